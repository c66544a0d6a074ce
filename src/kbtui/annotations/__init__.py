"""Annotations: the model, anchoring to text, and the store that keeps them.

Owns the annotation record (:mod:`.model`), re-anchoring after a document
changed (:mod:`.anchoring`), the TinyDB storage with its atomic main file and
journal (:mod:`.storage`) and the store the rest of kbtui talks to
(:mod:`.store`). May import :mod:`kbtui.documents` and the base modules.
"""
