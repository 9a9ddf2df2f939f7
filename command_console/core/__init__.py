"""The domain: plain dataclasses and pure functions. No Textual, no SQL, no I/O."""
