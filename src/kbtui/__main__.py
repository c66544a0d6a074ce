"""``python -m kbtui``: the same entry point as the ``kbtui`` command."""

from kbtui.cli import main

main()
