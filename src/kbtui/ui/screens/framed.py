"""The stylesheet the list screens share: one framed box, a filter line, a list below it.

The notebook, the word list and the passages screens each show a round-bordered
box holding a one-line filter above a table or list. The rules select by id on
purpose: a screen's ``DEFAULT_CSS`` ranks below ``app.tcss`` (so a user's theme
still wins), and an id outranks the ``Input``, ``DataTable`` and ``OptionList``
widgets' own rules (their ``:focus`` borders, their three-line height), which a
class selector of the screen's scope would tie with or lose to.
"""

from __future__ import annotations


def framed_list_css(box: str, filter_line: str, body: str) -> str:
    """The rules for a screen whose box, filter input and list have these ids."""
    return f"""
    #{box} {{
        height: 1fr;
        border: round $accent;
        border-subtitle-color: $text-muted;
    }}
    #{filter_line} {{
        border: none;
        height: 1;
        padding: 0 1;
        background: $surface;
    }}
    #{body} {{
        height: 1fr;
        border: none;
    }}
    """
