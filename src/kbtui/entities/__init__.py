"""Entities: who and what the corpus names, and where.

The names: when two spellings are one name (:mod:`.names`), what an entity
is and the records user edits become (:mod:`.model`), the curated list a
corpus declares (:mod:`.entities_file`), and the registry that resolves
every spelling to one entity (:mod:`.registry`).

The mentions: the matcher that finds every name in a text (:mod:`.matcher`),
the index of every document's mentions (:mod:`.mentions`) with its cache on
disk (:mod:`.cache`), and the passages the mentions panel and ``kbtui
mentions`` show (:mod:`.passages`).

May import :mod:`kbtui.search`, :mod:`kbtui.documents` and below.
"""
