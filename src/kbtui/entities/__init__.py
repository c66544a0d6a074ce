"""Entities: who and what the corpus names, and where.

Owns the registry of entities with their aliases, from ``entities.yaml``,
frontmatter lists and the user (:mod:`.registry`), and the mention index
with its matcher and cache (:mod:`.mentions`). May import
:mod:`kbtui.search`, :mod:`kbtui.documents` and below.
"""
