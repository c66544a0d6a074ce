"""Text views: what the reader shows, and the offset maps back to the source.

Owns the offset map (:mod:`.offsets`), the styled text view (:mod:`.textview`),
Markdown rendered to reading text (:mod:`.markdown`, :mod:`.inline`), CJK
wrapping and lazy layout (:mod:`.wrap`, :mod:`.layout`) and terminal safety
(:mod:`.sanitize`). The bottom layer of the core: it imports nothing of kbtui.
"""
