"""Annotations: the model, anchoring to text, and the store that keeps them.

Owns the annotation record (:mod:`.model`); re-anchoring after a document
changed (:mod:`.anchoring`, over :mod:`.matching`, which finds and scores a
quote in a text); the store the rest of kbtui talks to (:mod:`.store`), with
its schema and migrations (:mod:`.schema`), records (:mod:`.records`), table
access (:mod:`.tables`), undo history (:mod:`.undo`) and import rule
(:mod:`.merging`); and the TinyDB storage beneath it: the atomic main file
and transactions (:mod:`.storage`), the journal (:mod:`.journal`), change
tracking (:mod:`.changes`), what both files share (:mod:`.files`), the
in-memory stand-in (:mod:`.memory`), :class:`~.errors.DatabaseError`
(:mod:`.errors`) and a shorter lock wait for the app (:mod:`.busy`). May
import :mod:`kbtui.documents` and the base modules.
"""
