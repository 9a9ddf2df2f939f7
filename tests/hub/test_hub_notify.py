"""LISTEN/NOTIFY (issue #16): a console waiting on the hub wakes as soon as another console
publishes, not at its next poll; with nothing published it stays asleep."""

from __future__ import annotations

import time
from contextlib import contextmanager

from command_console.data import actions, queries
from tests.hub.hubtools import new_console, open_console, prepare_hub


@contextmanager
def two_consoles(hub_db, tmp_path):
    """Consoles a and b on a fresh hub, registered and listening (two passes each)."""
    prepare_hub(hub_db)
    opened = [open_console(new_console(hub_db, tmp_path, n)) for n in "ab"]
    try:
        for _workspace, syncer in opened + opened:
            assert syncer.sync_once(wait=True).hub_ok  # listening from the first pass
        yield opened
    finally:
        for workspace, syncer in opened:
            syncer.close()
            workspace.close()


def test_a_publish_wakes_the_waiting_console_at_once(hub_db, tmp_path):
    with two_consoles(hub_db, tmp_path) as ((wa, sa), (_wb, sb)):
        sb.sync_once(wait=True)  # covers what the passes above published
        started = time.monotonic()
        sb.wait(0.5)
        assert time.monotonic() - started >= 0.45 and not sb.due(3600)  # nothing new: asleep
        incident = actions.open_incident(wa.store, wa.plan("fire"))
        actions.log(wa.store, incident, "wake up")
        assert sa.due(3600)  # its own entries: at once
        assert sa.sync_once(wait=True).published > 0
        assert not sa.due(3600)  # its own insert's notification is no reason for a pass
        started = time.monotonic()
        sb.wait(10.0)
        woke = time.monotonic() - started
        assert woke < 2.0, f"woke after {woke:.2f} s"  # generous: a loaded machine; LISTEN is ms
        assert _due_within(sb, 5.0)  # once its gap after the last pass has passed
        assert sb.sync_once(wait=True).applied > 0
        assert not sb.due(3600)


def _due_within(syncer, limit_s: float) -> bool:
    deadline = time.monotonic() + limit_s
    while not syncer.due(3600):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_paced_pass_for_own_entries_only_publishes_until_reading_is_due(hub_db, tmp_path):
    """Fifty consoles writing: a pass per own entry that also read every console's head cost
    more than the entries. A paced pass for own entries publishes and reads nothing; the
    news waits for its gap, and a pass not paced (the CLI's `sync`) always reads."""
    with two_consoles(hub_db, tmp_path) as ((wa, sa), (wb, sb)):
        incident_a = actions.open_incident(wa.store, wa.plan("fire"))
        assert sa.sync_once(wait=True).published > 0
        assert _due_within(sb, 5.0)  # a's news
        sb.sync_once(wait=True, paced=True)  # reads it: its gap had passed
        sb._pass_consoles = 50  # as if it had read fifty consoles: its gap is a second
        actions.log(wa.store, incident_a, "news from a")
        sa.sync_once(wait=True)
        time.sleep(0.3)  # the notification arrives
        actions.open_incident(wb.store, wb.plan("power"))
        assert sb.due(3600)  # its own entry: at once ...
        paced = sb.sync_once(wait=True, paced=True)
        assert paced.hub_ok and paced.published > 0 and paced.applied == 0  # ... read nothing
        assert _due_within(sb, 5.0)  # a's news waits for the gap, then is read
        assert sb.sync_once(wait=True, paced=True).applied == 1
        actions.log(wa.store, incident_a, "more from a")
        sa.sync_once(wait=True)
        assert sb.sync_once(wait=True).applied == 1  # not paced: reads at once


def test_a_console_writing_all_the_time_still_reads_the_others(hub_db, tmp_path):
    """Its own entries make every poll due; the news of the others must still be read
    once its gap has passed, not only at the timed pass."""
    with two_consoles(hub_db, tmp_path) as ((wa, sa), (wb, sb)):
        incident_a = actions.open_incident(wa.store, wa.plan("fire"))
        incident_b = actions.open_incident(wb.store, wb.plan("power"))
        sa.sync_once(wait=True)
        read = 0
        deadline = time.monotonic() + 5.0
        while not read and time.monotonic() < deadline:
            actions.log(wb.store, incident_b, "busy")
            assert sb.due(3600)
            read += sb.sync_once(wait=True, paced=True).applied
            time.sleep(0.05)
        assert read == 2  # a's incident.open and incident.extra, long before the timed pass
        assert incident_a in {i.id for i in queries.list_incidents(wb.store)}


def _channels(syncer) -> list[str]:
    """The channels its listening connection listens to, as the server says."""
    return [row[0] for row in syncer.hub._listener.execute("SELECT pg_listening_channels()")]


def test_a_console_that_knows_of_news_stops_listening_until_its_pass(hub_db, tmp_path):
    """With fifty consoles publishing, every insert woke every console's server process.
    A console that already knows of news needs no more until its pass; the pass listens
    again before it reads, so what comes after is heard."""
    with two_consoles(hub_db, tmp_path) as ((wa, sa), (wb, sb)):
        assert _channels(sb) == ["command_console_ops"]
        incident = actions.open_incident(wa.store, wa.plan("fire"))
        assert sa.sync_once(wait=True).published > 0
        assert _due_within(sb, 5.0)
        assert _channels(sb) == []  # muted: it knows
        assert sb.sync_once(wait=True, paced=True).applied > 0
        assert _channels(sb) == ["command_console_ops"]
        assert not sb.due(3600)
        actions.log(wa.store, incident, "after the pass")
        sa.sync_once(wait=True)
        sb.wait(10.0)
        assert _due_within(sb, 5.0)  # heard again
        assert sb.sync_once(wait=True).applied == 1
        assert "after the pass" in [e.text for e in queries.timeline(wb.store, incident)]
