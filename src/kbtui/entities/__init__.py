"""Entities: who and what the corpus names, and where.

Owns when two spellings are one name (:mod:`.names`), what an entity is and
the records user edits become (:mod:`.model`), the curated list a corpus
declares (:mod:`.entities_file`), the registry that resolves every spelling
to one entity (:mod:`.registry`), and the mention index with its matcher and
cache (:mod:`.mentions`). May import :mod:`kbtui.search`,
:mod:`kbtui.documents` and below.
"""
