"""LaTeX math as readable Unicode text: ``\\frac{1}{16}`` → ``1/16``, ``\\alpha`` → ``α``.

A reader of the corpus wants the formula, not its source, and a terminal
cannot typeset. pylatexenc's ``latex2text`` knows the LaTeX macros (Greek
letters, operators, relations, ``\\mathbb``...) and turns them into Unicode;
two things are added here. Sub- and superscripts become Unicode's subscript
and superscript characters when every character of the script has one
(``x^{10}`` → ``x¹⁰``, ``a_i`` → ``aᵢ``), and are kept as ``^(…)`` or
``_(…)`` otherwise, so nothing is lost. The tables of those characters come
from the Unicode character database (the ``<super>`` and ``<sub>``
decompositions), not from a list written by hand. And a fraction whose parts
are more than one term gets parentheses, ``(a+b)/c``, so it reads as meant.

pylatexenc takes ~30 ms to import, so it is imported on the first formula:
documents without math never pay for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any

_SCRIPT_BLOCKS = (
    range(0x2070, 0x20A0),
    range(0x1D00, 0x1DC0),
    range(0x2B0, 0x300),
    range(0xB0, 0xC0),
)
"""Where Unicode keeps sub- and superscript forms, the modifier letters first (ᵃ before ª)."""


def math_text(latex: str) -> str:
    """``latex`` (the inside of ``$…$`` or ``$$…$$``) as Unicode text; never raises.

    Malformed input is read tolerantly (an unknown macro shows its
    arguments); a formula that cannot be read at all is shown as written.
    """
    walker, converter = _converter()
    try:
        nodes, _, _ = walker(latex, tolerant_parsing=True).get_latex_nodes()
        text: str = converter.nodelist_to_text(nodes)
    except Exception:  # pylatexenc is tolerant, but a formula must never break the reader
        return latex
    return text.strip() or latex


@cache
def script_forms(kind: str) -> dict[str, str]:
    """Character → its ``kind`` form (``"<super>"`` or ``"<sub>"``), from the Unicode database."""
    forms: dict[str, str] = {}
    for block in _SCRIPT_BLOCKS:
        for cp in block:
            parts = unicodedata.decomposition(chr(cp)).split()
            if len(parts) == 2 and parts[0] == kind:
                forms.setdefault(chr(int(parts[1], 16)), chr(cp))
    if "\u2212" in forms:
        forms["-"] = forms["\u2212"]  # LaTeX's minus is the ASCII hyphen
    return forms


def _scripted(text: str, kind: str, mark: str) -> str:
    """``text`` raised or lowered when Unicode can, else ``mark`` and the text."""
    forms = script_forms(kind)
    text = text.strip()
    if text and all(c in forms for c in text):
        return "".join(forms[c] for c in text)
    return mark + (text if len(text) <= 1 else f"({text})")


def _grouped(text: str) -> str:
    """``text`` in parentheses when it is more than one term (a fraction's part)."""
    text = text.strip()
    return f"({text})" if any(c in text for c in " +-−=/±·×") else text


def _arg_texts(node: Any, l2tobj: Any) -> list[str]:
    """The text of each argument of a macro or specials node."""
    args: Iterable[Any] = node.nodeargd.argnlist if node.nodeargd else ()
    return [l2tobj.nodelist_to_text([a]) if a is not None else "" for a in args]


def _script_repl(kind: str, mark: str) -> Callable[[Any, Any], str]:
    def repl(node: Any, l2tobj: Any) -> str:
        texts = _arg_texts(node, l2tobj)
        return _scripted(texts[0] if texts else "", kind, mark)

    return repl


def _frac_repl(node: Any, l2tobj: Any) -> str:
    texts = [*_arg_texts(node, l2tobj), "", ""]
    return f"{_grouped(texts[0])}/{_grouped(texts[1])}"


@cache
def _converter() -> tuple[Any, Any]:
    """A pylatexenc parser factory and converter, with scripts and fractions as above.

    pylatexenc ships no type information, so its objects are ``Any`` here.
    """
    from pylatexenc import latexwalker, macrospec  # type: ignore[import-untyped]  # no stubs
    from pylatexenc.latex2text import (  # type: ignore[import-untyped]  # no stubs
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
        get_default_latex_context_db,
    )

    walker_context = latexwalker.get_default_latex_context_db()
    walker_context.add_context_category(
        "kbtui-scripts",
        prepend=True,
        specials=[
            macrospec.SpecialsSpec(c, args_parser=macrospec.MacroStandardArgsParser("{"))
            for c in "^_"
        ],
    )
    text_context = get_default_latex_context_db()
    text_context.add_context_category(
        "kbtui-scripts",
        prepend=True,
        macros=[MacroTextSpec(n, simplify_repl=_frac_repl) for n in ("frac", "dfrac", "tfrac")],
        specials=[
            SpecialsTextSpec("^", simplify_repl=_script_repl("<super>", "^")),
            SpecialsTextSpec("_", simplify_repl=_script_repl("<sub>", "_")),
        ],
    )
    converter = _spaced(LatexNodes2Text)(
        latex_context=text_context,
        math_mode="text",
        strict_latex_spaces={"between-macro-and-chars": True, "in-equations": "based-on-source"},
    )
    return partial(latexwalker.LatexWalker, latex_context=walker_context), converter


def _spaced(base: Any) -> Any:
    """``base`` (pylatexenc's converter) keeping the space written after a bare macro.

    LaTeX drops that space, but in a formula read as text it separates
    terms: ``\\beta \\le \\pi`` is ``β ≤ π``, not ``β≤π``.
    """

    class Converter(base):  # type: ignore[misc]  # its base is untyped
        def node_to_text(self, node: Any, prev_node_hint: Any = None, textcol: int = 0) -> str:
            text: str = super().node_to_text(node, prev_node_hint, textcol)
            bare = self._is_bare_macro_node(node) and node.macro_post_space
            return text + " " if bare and text else text

    return Converter
