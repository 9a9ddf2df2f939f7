from __future__ import annotations

import hashlib
import sqlite3

import pytest


def database_state(path) -> str:
    """Every row of every table (a full SQL dump), hashed: equal means nothing stored changed."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def db_state():
    return database_state
