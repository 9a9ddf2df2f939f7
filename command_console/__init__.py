"""Command Console: a keyboard-driven incident console for the shift lead."""

__version__ = "0.1.0"
