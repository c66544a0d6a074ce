"""Search across the corpus, script-, case- and width-insensitively.

Owns the query (compiled over folded character classes, so offsets in the
source are offsets in the match) and the scan over document texts
(:mod:`.scan`). May import :mod:`kbtui.scripts` and :mod:`kbtui.view`.
"""
