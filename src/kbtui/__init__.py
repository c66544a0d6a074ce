"""kbtui: a keyboard-driven terminal reader and annotator for mixed-script Chinese corpora."""

__version__ = "0.1.0"
