"""Text views: what the reader shows, and the offset maps back to the source.

Owns the offset map (:mod:`.offsets`) and the styled text view
(:mod:`.textview`); Markdown rendered to reading text (:mod:`.markdown` for
the document pass, :mod:`.blocks` for block syntax and one-line blocks,
:mod:`.inline` inside a line, with :mod:`.emphasis`, :mod:`.tags`,
:mod:`.placeholders`, :mod:`.references` and :mod:`.footnotes`; LaTeX as
Unicode by :mod:`.math`, tables drawn by :mod:`.tables`), recorded by
:mod:`.writer`; CJK wrapping in terminal cells (:mod:`.wrap`) and the lazy
layout over a whole view (:mod:`.layout`, with :mod:`.rows` and
:mod:`.ranges`); and terminal safety (:mod:`.sanitize`).
The bottom layer of the core: it imports nothing else of kbtui.
"""
