"""The reader: a virtualised, wrapping, cursor-and-selection view of a TextView.

:class:`Reader` is the widget the App uses. It is built in layers, each in its
own module: :mod:`.display` lays a view out and paints it a row at a time,
:mod:`.selection` moves the cursor and the selection (keys, mouse) and posts
what moved, :mod:`.widget` adds what the App calls (``show``, the overlays).
:mod:`.painting` paints a row without any widget, and :mod:`.keys` lists the
bindings. :mod:`.slot` stands in for the Reader until the first document (or the
focus) comes: the first frame is painted without it.

The view text is untrusted: rows are built from Rich ``Segment`` objects of
plain text (nothing is parsed as markup), and the layout's text is already
sanitised (:func:`kbtui.view.sanitize.sanitize`, called by the wrapping): any
control character shows as a visible one, measured and painted as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtui.ui.reader.widget import Reader

__all__ = ["Reader"]


def __getattr__(name: str) -> object:
    """``Reader``, imported when first asked for: the app imports :mod:`.palette` and
    :mod:`.slot` before its first frame, which is painted without the reader's layout
    and painting modules (~14 ms of imports)."""
    if name == "Reader":
        from kbtui.ui.reader.widget import Reader

        return Reader
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
