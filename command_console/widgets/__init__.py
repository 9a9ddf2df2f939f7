"""Small widgets of the console; each renders user text literally (rich Text, never markup)."""
