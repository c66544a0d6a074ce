"""A document's metadata: from its frontmatter, or inferred from its first lines.

The corpus mixes shapes (see DESIGN.md): Markdown with YAML frontmatter,
Hugo posts, bare transcripts, scraped web pages that start with navigation
junk. Declared values win; what is missing is inferred the way a careful
reader would: skip the navigation, take the line just before a date line as
the title, a leading ``# heading``, else the first meaningful line, and the
file name as a last resort.

Metadata is display data, so unlike the source text it is cleaned: control
characters, terminal escape sequences and bidirectional overrides are
removed and whitespace is collapsed to single spaces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtui.documents.model import STANDARD_ENTITY_LISTS, Metadata
from kbtui.scripts.hanzi import Script, detect_script

if TYPE_CHECKING:
    from kbtui.view.clipping import Clipping

TITLE_KEYS = ("title",)
DATE_KEYS = ("date", "published", "pubDate", "created")
URL_KEYS = ("source", "source_url", "url", "link")
AUTHOR_KEYS = ("author", "authors", "speaker", "byline", "creator")
LANG_KEYS = ("lang", "language")
"""Frontmatter keys that declare the language (a BCP 47 tag: ``zh-TW``, ``zh-Hant-HK``)."""

MAX_TITLE_CHARS = 60
"""Inferred titles are cut to this many characters (with an ellipsis)."""

MAX_NAV_CHARS = 4
"""Lines this short at the top (``繁體``, ``首页``, ``登录``) are navigation when
they stand next to other navigation."""

HEAD_LINES = 15
"""How many non-blank lines at the top are searched for a title, date, author."""

SCRIPT_SAMPLE_CHARS = 1_000_000
"""Script detection reads at most this much of the body: a megabyte of text
settles the question, and a 60 MB file should not cost seconds."""

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
)
_ENGLISH_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")
_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(\S|\S.*?\S)\1")
_BULLET = re.compile(r"[•·●▪◦*+\-|>»›]\s")
_BREADCRUMB = re.compile(r"\S\s*[>›»]\s*\S")
_MARKUP_ONLY = re.compile(
    r"!?\[[^\]]*\]\([^)]*\)"  # an image or a link alone
    r"|\{\{[<%].*|.*[%>]\}\}"  # a Hugo shortcode, or its first or last line
    r"|<[^>]+>|[-*_=~`]{3,}|\[\^?[^\]]*\]:.*"  # a tag, a rule, a link definition
)
_GREETING = re.compile(
    r"(大家好|各位|哈[喽囉啰]|嗨|朋友[们們]|欢迎|歡迎|hello\b|hi\b|hey\b)", re.IGNORECASE
)
_AUTHOR_LINE = re.compile(r"(?:作者|撰文|文|[记記]者|by)\s*[:：|]\s*(\S.{0,40})$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?]")


@dataclass(frozen=True, slots=True)
class Described:
    """What :func:`describe` learned about a text.

    ``body_start`` is the source offset of the body (after any frontmatter),
    ``script`` the body's script, and ``problems`` what went wrong reading
    the frontmatter.
    """

    meta: Metadata
    body_start: int = 0
    script: Script = Script.NONE
    problems: list[str] = field(default_factory=list)


def describe(text: str, name: str, entity_lists: Sequence[str] = ()) -> Described:
    """Metadata, body offset and script of a source text.

    ``name`` is the file name, the title of last resort. ``entity_lists``
    names frontmatter keys holding entity names beyond the standard three.
    The YAML parser and the clipping's recogniser (with the reading view it
    builds on) are imported here: a warm start reads metadata from the
    cache and never needs them.
    """
    from kbtui.documents.frontmatter import parse_frontmatter
    from kbtui.view.clipping import recognise

    fm = parse_frontmatter(text)
    body = text[fm.body_start :]
    meta = metadata_from_frontmatter(fm.data, entity_lists)
    _infer_missing(meta, _head_lines(body), name, recognise(text, fm.body_start))
    script = detect_script(body[:SCRIPT_SAMPLE_CHARS])
    problems = [fm.problem] if fm.problem else []
    return Described(meta, fm.body_start, script, problems)


def metadata_from_frontmatter(
    data: dict[str, object], entity_lists: Sequence[str] = ()
) -> Metadata:
    """The declared metadata; ``title`` is empty when none is declared."""
    keys = dict.fromkeys([*STANDARD_ENTITY_LISTS, *entity_lists])
    entities = {key: names for key in keys if (names := _names(data.get(key)))}
    return Metadata(
        title=_first_text(data, TITLE_KEYS),
        date=_first_date(data),
        source_url=_first_url(data),
        author=_author(data),
        tags=_names(data.get("tags")),
        entities=entities,
        frontmatter=data,
        lang=_first_text(data, LANG_KEYS) or None,
    )


def clean_line(value: str) -> str:
    """``value`` made safe to show on one line (see module docstring)."""
    value = _CONTROLS.sub("", _ESCAPES.sub("", value))
    return _SPACE.sub(" ", value).strip()


def parse_date(value: object) -> str | None:
    """The first date in ``value`` as ``YYYY-MM-DD``, or ``None``.

    Accepts ISO dates and datetimes (the date as written, whatever the time
    zone), ``2025/7/30``, ``2025.07.30``, ``2025年7月30日`` and English forms
    such as ``July 30, 2025``.
    """
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        return None
    for match in _DATE.finditer(value):
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            continue
    return _english_date(value.strip())


def _english_date(value: str) -> str | None:
    for fmt in _ENGLISH_DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _first_text(data: dict[str, object], keys: Iterable[str]) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = clean_line(str(value))
            if text:
                return text
    return ""


def _first_date(data: dict[str, object]) -> str | None:
    for key in DATE_KEYS:
        date = parse_date(data.get(key))
        if date:
            return date
    return None


def _first_url(data: dict[str, object]) -> str | None:
    """The first web address among the URL keys; other schemes are not opened."""
    for key in URL_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            url = clean_line(value)
            if url.lower().startswith(("http://", "https://")):
                return url
    return None


def _author(data: dict[str, object]) -> str | None:
    for key in AUTHOR_KEYS:
        names = _names(data.get(key))
        if names:
            return ", ".join(names)
    return None


def _names(value: object) -> list[str]:
    """A list of clean, distinct names from a list or a comma-separated string."""
    if isinstance(value, str):
        items: list[object] = re.split(r"[,，、;；]", value)
    elif isinstance(value, list):
        items = value
    else:
        return []
    names = (clean_line(str(item)) for item in items if _is_scalar(item))
    return list(dict.fromkeys(name for name in names if name))


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _head_lines(body: str) -> list[str]:
    """The first non-blank lines of the body, cleaned for display."""
    lines = []
    for raw in body[:20_000].split("\n"):
        line = clean_line(raw)
        if line:
            lines.append(line)
            if len(lines) >= HEAD_LINES:
                break
    return lines


def _infer_missing(meta: Metadata, head: list[str], name: str, clipping: Clipping) -> None:
    """Fill title, date and author from the first lines where not declared.

    A web clipping's title and date are the lines the reader shows first
    (:func:`kbtui.view.clipping.recognise`): the line after the site's
    navigation, the date of the byline under it.
    """
    content = _content_lines(head)
    date_at = next((i for i, line in enumerate(content) if _is_date_line(line)), None)
    if meta.date is None and clipping.date is not None:
        meta.date = parse_date(clipping.date)
    if meta.date is None and date_at is not None:
        meta.date = parse_date(content[date_at])
    if meta.author is None:
        meta.author = _author_line(content)
    title = clean_line(clipping.title.text) if clipping.title is not None else ""
    if not meta.title and title and title in content:
        full = _strip_emphasis(title)
        meta.title, meta.title_inferred = _trim(full), True
        meta.full_title = full if full != meta.title else ""
    if not meta.title:
        full, meta.title, meta.title_inferred = _infer_title(content, date_at, name)
        meta.full_title = full if full != meta.title else ""


def _infer_title(content: list[str], date_at: int | None, name: str) -> tuple[str, str, bool]:
    """The title uncut, as shown, and whether it was guessed (a leading ``# heading``
    is declared)."""
    if content:
        heading = _HEADING.match(content[0])
        if heading:
            level = len(content[0]) - len(content[0].lstrip("#"))
            full = _strip_emphasis(heading.group(1))
            return full, _trim(full), level != 1
    if date_at:  # a title line right before a date line: a web page or a post
        full = _strip_emphasis(content[date_at - 1])
        return full, _trim(full), True
    candidates = [line for line in content if not _is_date_line(line)]
    if candidates:
        return *_line_title(candidates), True
    title = title_from_file_name(name)
    return title, title, True


def _line_title(lines: list[str]) -> tuple[str, str]:
    """The first meaningful line, uncut and as shown; greetings at the top of a
    transcript are skipped. A whole line is shown whole, even when it is a
    phrase of running speech (a transcript's): "…" only where it was cut."""
    if len(lines) > 1 and _GREETING.match(lines[0]):
        lines = lines[1:]
    first = _strip_emphasis(_HEADING.sub(r"\1", lines[0]))
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0].strip() or first
    return sentence, _trim(sentence)


def title_from_file_name(name: str) -> str:
    """A title made from a file name or id: the last resort, never empty."""
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    return clean_line(stem.replace("_", " ")) or "(untitled)"


def _trim(title: str) -> str:
    if len(title) <= MAX_TITLE_CHARS:
        return title
    return title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def _strip_emphasis(text: str) -> str:
    """``**bold**``, ``*em*``, ``__bold__`` and ```code``` without their markers."""
    return _EMPHASIS.sub(r"\2", text).strip() or text


def _content_lines(head: list[str]) -> list[str]:
    """The head without navigation: junk lines, and short lines next to junk or each other.

    ``繁體`` above ``• 简体中文`` is a menu; ``标题`` above a paragraph is a title; a
    stray YAML line (``title: x``) is never one.
    """
    junk = [_is_junk(line) for line in head]
    menu = [junk[i] or _is_short(line) for i, line in enumerate(head)]
    from kbtui.view.clipping import is_key_value

    content = []
    for i, line in enumerate(head):
        near_menu = (i > 0 and menu[i - 1]) or (i + 1 < len(head) and menu[i + 1])
        if not (junk[i] or (_is_short(line) and near_menu) or is_key_value(line)):
            content.append(line)
    return content


def _is_junk(line: str) -> bool:
    """Bullets, breadcrumbs and lines of markup only (images, shortcodes, rules)."""
    if _HEADING.match(line):
        return False
    if _BULLET.match(line) or _MARKUP_ONLY.fullmatch(line):
        return True
    return len(line) <= 24 and _BREADCRUMB.search(line) is not None


def _is_short(line: str) -> bool:
    return len(line) <= MAX_NAV_CHARS and not _DATE.search(line) and not _HEADING.match(line)


def _is_date_line(line: str) -> bool:
    """A line that is mostly a date: ``2025-07-30 17:34``, ``发布于 2025年7月30日``."""
    match = _DATE.search(line)
    return match is not None and len(line) - len(match.group()) <= 20


def _author_line(content: list[str]) -> str | None:
    for line in content:
        match = _AUTHOR_LINE.match(line)
        if match:
            return match.group(1).strip()
    return None
