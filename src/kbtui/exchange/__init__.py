"""Exchange: annotations out of kbtui and back in.

Owns Markdown export (:mod:`.markdown`, with :mod:`.mdsafe` for escaping,
:mod:`.outline` for where an annotation stands, and :mod:`.template` for the
sandboxed Jinja2 layouts, the default one in ``templates/``), W3C Web
Annotation JSON export and import (:mod:`.w3c`), safe file names
(:mod:`.filenames`) and the one export pipeline that the CLI and the app both
call (:mod:`.pipeline`). May import :mod:`kbtui.annotations`,
:mod:`kbtui.entities` and below.
"""
