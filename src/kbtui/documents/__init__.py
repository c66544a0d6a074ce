"""Documents: the model, reading files, frontmatter, metadata, and the corpus.

Owns what a document *is* (:mod:`.model`: the source text every offset counts
in), decoding bytes (:mod:`.decoding`), frontmatter (:mod:`.frontmatter`),
metadata inference (:mod:`.metadata`) and the corpus scan with its cache
(:mod:`.corpus`). May import :mod:`kbtui.scripts`, :mod:`kbtui.view` and the
base modules (:mod:`kbtui.atomic`, :mod:`kbtui.locations`).
"""
