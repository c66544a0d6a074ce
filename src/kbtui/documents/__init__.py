"""Documents: the model, reading files, frontmatter, metadata, and the corpus.

Owns what a document *is* (:mod:`.model`: the source text every offset counts
in, and the entry a scan lists), decoding bytes (:mod:`.decoding`),
frontmatter (:mod:`.frontmatter`), metadata inference (:mod:`.metadata`),
finding the files under a root (:mod:`.walk`), the corpus scan and loading
(:mod:`.corpus`) and its entry cache on disk (:mod:`.cache`). May import
:mod:`kbtui.scripts`, :mod:`kbtui.view` and the base modules
(:mod:`kbtui.atomic`, :mod:`kbtui.locations`).
"""
