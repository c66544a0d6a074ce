"""Chinese scripts: character tables, detection, folding, locales and OpenCC conversion.

Owns which script a text is in (:mod:`.hanzi`, with Japanese told apart by
:mod:`.kana`), the one-to-one fold that search and mentions match on, a
document's source locale (:mod:`.locales`), which configurations make each
view and what they are called (:mod:`.chains`), OpenCC 1.4's conversion with
match tracking (:mod:`.tables`, :mod:`.engine`; the opencc-python-reimplemented
backend in :mod:`.conversion`), safe pieces and Japanese sentences
(:mod:`.pipeline`), script views of a text view with exact offset maps
(:mod:`.views`) and regional variants of a search query (:mod:`.regional`).
May import :mod:`kbtui.view`.
"""
