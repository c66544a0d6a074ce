"""Chinese scripts: character tables, detection, folding, and OpenCC conversion.

Owns which script a text is in (:mod:`.hanzi`), the one-to-one fold that
search and mentions match on, the OpenCC matcher with match tracking
(:mod:`.conversion`) and script views of a text view with exact offset maps
(:mod:`.views`). May import :mod:`kbtui.view`.
"""
