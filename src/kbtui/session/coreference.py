"""The user's corrections of shared names, between the store's records and the index.

``m`` on a mention of a shared name lets the user say who it is, for that
mention or for every one of the document's: the store keeps plain records
(:mod:`kbtui.annotations.corrections`), the index applies them as
:class:`~kbtui.entities.coreference.Correction` s (a correction beats
inference). Here because the session is the layer that knows both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbtui.annotations.store import Store
from kbtui.entities.coreference import Correction

if TYPE_CHECKING:
    from kbtui.entities.mentions import Mention, MentionIndex


def mention_corrections(store: Store) -> list[Correction]:
    """The user's corrections, oldest first (a later one wins)."""
    found = (Correction.from_record(record) for record in store.coreference.records())
    return [correction for correction in found if correction is not None]


def save_correction(store: Store, correction: Correction) -> None:
    """Keep one correction in the database."""
    store.coreference.add(correction.doc_id, correction.shared, correction.name, correction.start)


def correction_for(
    index: MentionIndex, doc_id: str, mention: Mention, entity_id: str, every: bool
) -> Correction | None:
    """The correction saying ``mention`` (a shared name's) is ``entity_id``, or, with
    ``every``, that all of the document's mentions of its shared name are; ``None``
    when the mention is of no shared name or the entity is gone."""
    shared = index.registry.get(mention.shared or mention.entity_id)
    target = index.registry.get(entity_id)
    if shared is None or not shared.ambiguous or target is None or target.ambiguous:
        return None
    return Correction(doc_id, shared.name, target.name, None if every else mention.start)


def with_correction(index: MentionIndex, correction: Correction) -> MentionIndex:
    """``index`` with one more correction (nothing is matched again)."""
    return index.corrected([*index.corrections, correction])
