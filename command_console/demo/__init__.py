"""Demo data: a fictional roster and a sample shift to explore."""
