"""Persistence and sync: SQLite tables, the operation log, imports and exports."""
