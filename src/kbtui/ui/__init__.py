"""The Textual user interface over kbtui's core (the only package that imports Textual)."""
