"""Web clippings without their chrome: the site's navigation, byline and notices folded.

A page saved from a news site opens on the site's menu (``繁體`` / ``• 简体中文``
/ ``熱門資訊> 正文``), gives the title, then a byline or a date, and ends on
the site's notices (``聲明``, ``免責提示``, share and subscribe lines). This
module recognises those runs of lines in the source text and folds each into
one dim line of the reading view (``⋯ 4 lines of site navigation``) that a key
opens again. Recognition works on the source, so the document list's title and
date (:mod:`kbtui.documents.metadata`) come from the same lines the reader
shows first; folding works on the rendered view (:mod:`kbtui.view.rewrite`),
so offsets stay source offsets.

The rules are deliberately narrow: a fold is made only of lines that look like
chrome on their own (bullets, breadcrumbs, language switches, a few menu
words, dates and bylines, notice keywords; never an image, which may be the
article's cover), or of very short lines between
such lines, and only at the very start or end of the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kbtui.view.rewrite import Edit, apply_edits
from kbtui.view.textview import TextView

HEAD_LINES = 12
"""Non-blank lines looked at for navigation before the title."""

TAIL_LINES = 12
"""Non-blank lines looked at, from the end, for the site's notices."""

SHORT = 4
"""A line of at most this many characters is a menu item when next to chrome."""

_BULLET = re.compile(r"[•·●▪◦*+\-|>»›]\s")
_BREADCRUMB = re.compile(r"\S\s*[>›»]\s*\S")
_LANGUAGES = re.compile(
    r"(简体中文|简体|繁體中文|繁體|繁体|正體|English|中文|EN|ZH)(\s*[|/]\s*\S+)*"
)
_MENU = re.compile(
    r"((首页|首頁|登录|登錄|注册|註冊|搜索|搜尋|菜单|選單|导航|導航|返回|Home|Menu|Login|"
    r"Sign in|Search|News|正文)\s*[|/]?\s*)+",
    re.IGNORECASE,
)
_PIPE_MENU = re.compile(r"[^|｜]{1,12}(\s+[|｜]\s+[^|｜]{1,12}){2,}")
_SKIP = re.compile(r"(skip to (main )?content|跳到主要内容|跳至主要內容|返回首页|返回首頁)", re.I)
_KEY_VALUE = re.compile(r"[a-z_][a-z0-9_-]{0,20}:\s*\S.{0,120}")
DATE = re.compile(
    r"(?:19|20)\d\d\s*(?:[-/.年]\s*[01]?\d\s*(?:[-/.月]\s*[0-3]?\d\s*日?)?)"
    r"(?:\s+[0-2]?\d:[0-5]\d(?::[0-5]\d)?)?"
)
"""A date (``2025-07-30 17:34``, ``2025年7月30日``, ``2025/4/12``), with a time if given."""
_BYLINE = re.compile(
    r"\W{0,2}((来源|來源|作者|撰文|编辑|編輯|责编|責編|记者|記者|发布时间|發佈時間|时间|時間|出处|出處|"
    r"原创|原創|阅读|閱讀|字号|字號)\s*[:：|]|(By|Posted|Published|Updated|Source)\b\s*[:：]?\s)",
    re.IGNORECASE,
)
_NOTICE = re.compile(
    r"声明|聲明|免责|免責|版权|版權|copyright|©|all rights reserved|分享|share|订阅|訂閱|"
    r"subscribe|关注|關注|公众号|公眾號|扫码|掃碼|二维码|二維碼|责任编辑|責任編輯|原标题|原標題|"
    r"相关阅读|相關閱讀|推荐阅读|推薦閱讀|点击|點擊|转载|轉載|举报|舉報|返回顶部|回到頂部|上一篇|"
    r"下一篇|newsletter|follow us|本文来源|本文來源|风险提示|風險提示|"
    r"不构成投资建议|不構成投資建議|"
    r"\b(facebook|twitter|line|linkedin|whatsapp|telegram|weibo)\b|微信|微博|QQ空间|QQ空間",
    re.IGNORECASE,
)
_NOTICE_HEAD = re.compile(
    r"\W{0,2}(\S{0,3}(免责|免責|风险|風險)\S{0,3}(提示|声明|聲明)|声明|聲明|版权|版權|copyright|©|"
    r"免责|免責|责任编辑|責任編輯|原标题|原標題|本文来源|本文來源|转载|轉載|扫码|掃碼|点击|點擊)",
    re.IGNORECASE,
)
"""How a long notice opens (``（聲明：…``, ``風險及免責提示：…``); a long line that merely
mentions a statement (``他在声明中表示…``) is the article's."""


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank source line: ``[start, end)`` without its line break, and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fold:
    """Source lines ``[start, end)`` the reader shows as one line, and what they are."""

    start: int
    end: int
    lines: int
    kind: str

    @property
    def label(self) -> str:
        """The dim line shown instead: ``⋯ 4 lines of site navigation``."""
        noun = "line" if self.lines == 1 else "lines"
        return f"⋯ {self.lines} {noun} of {self.kind}"


@dataclass(frozen=True, slots=True)
class Clipping:
    """What recognition found: the folds in source order, the title line after the
    site's navigation (``None`` when the body does not open on chrome), and the
    date of the byline around it."""

    folds: tuple[Fold, ...]
    title: Line | None
    date: str | None


def body_lines(source: str, body_start: int, limit: int | None = None) -> list[Line]:
    """The non-blank lines of the body (the first ``limit`` of them), stripped."""
    lines: list[Line] = []
    pos = body_start
    while pos <= len(source) and (limit is None or len(lines) < limit):
        end = source.find("\n", pos)
        end = len(source) if end < 0 else end
        text = source[pos:end].strip()
        if text:
            lines.append(Line(pos, end, text))
        pos = end + 1
    return lines


def _last_lines(source: str, body_start: int, count: int) -> list[Line]:
    """The last ``count`` non-blank lines of the body, in order."""
    lines: list[Line] = []
    end = len(source)
    while end > body_start and len(lines) < count:
        start = max(source.rfind("\n", body_start, end) + 1, body_start)
        text = source[start:end].strip()
        if text:
            lines.append(Line(start, end, text))
        end = start - 1
    return lines[::-1]


def is_navigation(text: str) -> bool:
    """A line that is chrome on its own: a bullet, breadcrumb, language or menu line."""
    if text.startswith("#"):
        return False
    if _BULLET.match(text):
        return True
    if _LANGUAGES.fullmatch(text) or _MENU.fullmatch(text) or _PIPE_MENU.fullmatch(text):
        return True
    if _SKIP.fullmatch(text):
        return True
    return len(text) <= 24 and _BREADCRUMB.search(text) is not None


def is_key_value(text: str) -> bool:
    """A ``key: value`` line: frontmatter that lost its fences, never a title."""
    return _KEY_VALUE.fullmatch(text) is not None


def is_byline(text: str) -> bool:
    """A date line or a byline (``来源：新华社 作者：张三 2025-04-12 09:15``)."""
    date = DATE.search(text)
    if date is not None and len(text) - len(date.group()) <= 24:
        return True
    return len(text) <= 80 and _BYLINE.match(text) is not None


def is_notice(text: str) -> bool:
    """A site notice: a disclaimer, a copyright, a share or subscribe line."""
    if len(text) <= 30:
        return _NOTICE.search(text) is not None
    return _NOTICE_HEAD.match(text) is not None


def recognise(source: str, body_start: int) -> Clipping:
    """Find the chrome at both ends of the body (see the module doc)."""
    head = body_lines(source, body_start, HEAD_LINES + 6)
    folds: list[Fold] = []
    menu = _run(head[:HEAD_LINES], lambda text: is_navigation(text) or is_byline(text))
    title = head[menu] if 0 < menu < len(head) else None
    if menu:
        navigation = any(is_navigation(line.text) for line in head[:menu])
        folds.append(_fold(head[:menu], "site navigation" if navigation else "byline"))
    bylines = list(head[:menu])
    if title is not None:
        after = head[menu + 1 :]
        count = _run(after[:4], lambda text: is_byline(text) or text == title.text)
        bylines += after[:count]
        if count:
            folds.append(_fold(after[:count], "byline"))
    tail = _last_lines(source, body_start, TAIL_LINES)
    count = _run(tail[::-1], lambda text: is_notice(text) or is_byline(text))
    shown_end = folds[-1].end if folds else body_start
    notices = [line for line in tail[len(tail) - count :] if count and line.start > shown_end]
    if notices:
        folds.append(_fold(notices, "site notices"))
    date = next((found for line in bylines if (found := DATE.search(line.text))), None)
    return Clipping(tuple(folds), title, date.group().strip() if date else None)


def _run(lines: Sequence[Line], chrome: Callable[[str], bool]) -> int:
    """How many of ``lines`` from the first are chrome: each chrome by ``chrome(text)``,
    or short and between chrome lines (a menu's ``繁體`` above ``• 简体中文``)."""
    flags = [bool(chrome(line.text)) for line in lines]
    count = 0
    for i, line in enumerate(lines):
        short = len(line.text) <= SHORT and not line.text.startswith("#")
        next_chrome = i + 1 < len(lines) and flags[i + 1]
        if flags[i] or (short and (next_chrome or (i > 0 and flags[i - 1]))):
            flags[i] = True
            count += 1
        else:
            break
    return count


def _fold(lines: Sequence[Line], kind: str) -> Fold:
    return Fold(lines[0].start, lines[-1].end, len(lines), kind)


def fold(view: TextView, folds: Sequence[Fold], keep: Sequence[tuple[int, int]] = ()) -> TextView:
    """``view`` with each fold shown as its label, except folds that hold a ``keep``
    range (an annotation): those stay open, so no annotation is ever hidden."""
    edits = []
    for item in folds:
        if any((s < item.end and e > item.start) or s == e == item.start for s, e in keep):
            continue
        start, end = view.map.range_to_view(item.start, item.end)
        if start < end:
            edits.append(Edit(start, end, item.label, style="fold"))
    return apply_edits(view, edits)
