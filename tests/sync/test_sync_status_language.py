"""The sync status line and a pass's own trouble in the lead's language: in zh-CN no English
word reaches the status line, whatever the share does."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

from command_console.data import actions, engine
from command_console.i18n import set_language

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def chinese():
    set_language("zh-CN")
    yield
    set_language("en")


def test_the_status_line_in_chinese_says_no_english_word(consoles, share, chinese):
    (a, sa) = consoles("a")
    incident = actions.open_incident(a.store, a.plan("power"))
    sa.sync_once()
    ok = sa.status_text()
    assert ok.startswith("同步 ") and ok.endswith("0 条未发布") and not ENGLISH_WORD.search(ok), ok
    shutil.rmtree(share)  # unmounted
    actions.log(a.store, incident, "while the share is gone")
    sa.sync_once()
    down = sa.status_text()
    assert down.startswith("共享文件夹不可用 · 1 条未发布 · 重试中"), down
    assert not ENGLISH_WORD.search(down), down


def test_the_same_status_line_in_english(consoles, share):
    (a, sa) = consoles("a")
    incident = actions.open_incident(a.store, a.plan("power"))
    sa.sync_once()
    assert sa.status_text().startswith("sync ") and sa.status_text().endswith("· 0 unpublished")
    shutil.rmtree(share)
    actions.log(a.store, incident, "while the share is gone")
    sa.sync_once()
    assert sa.status_text().startswith("share unavailable · 1 unpublished · retrying")


def test_a_database_locked_past_the_busy_timeout_is_said_plainly(
    consoles, share, monkeypatch, chinese
):
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    (a, sa) = consoles("a")
    actions.open_incident(a.store, a.plan("power"))
    a.store.close()  # its connections reopen with the short timeout
    holder = sqlite3.connect(a.paths.database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process keeps the database locked
    try:
        result = sa.sync_once()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.problems == ["同步出错：本地数据库忙（另一个进程正在写入）；将重试"], (
        result.problems
    )
    assert sa.sync_once().problems == []  # the next pass goes on
