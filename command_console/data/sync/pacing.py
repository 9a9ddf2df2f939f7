"""When a console runs its next sync pass.

Its own new entries go out at once: a pass is due as soon as this console committed an
operation since the last pass began. Other consoles' new operations (a file in the share,
a notification from the hub) are read once the last pass has been over for PASS_GAP_S, or
as long as it lasted if that is longer, or PASS_GAP_PER_CONSOLE_S for each console whose
operations it merged (at most PASS_GAP_MAX_S): on a busy machine, or with many consoles
publishing, a console runs fewer and larger passes instead of one per notification, and a
pass's fixed costs (reading every console's head, checking a signature per console) are
shared by more operations (fifty consoles that all write wait a second between passes).
Otherwise a pass runs every `every_s` seconds, for shares whose folder times are coarse or
cached; a console that syncs only with a hub and is listening to it runs that timed pass
every QUIET_HUB_EVERY_S.

A console that syncs only with a hub publishes its own entries in a pass of their own,
which reads nothing (`sync_once(paced=True)` between two reading passes): with fifty
consoles writing, a pass per own entry that also read every console's head cost more CPU
than the entries themselves. A reading pass publishes too.

A console that has heard of news from the hub stops listening (`HubLink.mute`) until its
reading pass, which listens again before it reads: with fifty consoles publishing, each
insert otherwise woke fifty server processes, for news each console already knew of.

A mixin of Syncer (sync/__init__.py), like OwnFolder: callers poll `due()` about every
0.2 s, run `sync_once(paced=True)` when it says so, and sleep with `wait()`.
"""

from __future__ import annotations

import os
import time

from command_console.data.sync import segments as seg
from command_console.data.sync.host import SyncHost

PASS_GAP_S = 0.2
PASS_GAP_MAX_S = 1.0
PASS_GAP_PER_CONSOLE_S = 0.02
QUIET_HUB_EVERY_S = 5.0  # the timed pass of a hub-only console whose notifications are live


class Pacing(SyncHost):
    _pass_began: float = 0.0  # monotonic, of the last pass that read other consoles' ops
    _pass_ended: float = 0.0
    _pass_seconds: float = 0.0
    _pass_consoles: int = 0  # consoles whose operations it merged
    _every_s: float = 1.0  # the timed pass's interval, as the caller of due() asked
    _own_mark: int = 0  # ops rowid when the last pass began
    _share_marks: list[object] | None = None  # other consoles' folders when it began
    _others_waiting: bool = False

    def due(self, every_s: float = 1.0) -> bool:
        """Whether to run a pass now. Cheap: a few stats and one indexed read."""
        self._every_s = every_s
        if not self._others_waiting and self._others_published():
            self._others_waiting = True  # first: a console writing all the time reads too
            if self.hub is not None:
                self.hub.mute()  # until the pass, which listens again before it reads
        return self._own_writes_since(self._own_mark) or self._reading_due()

    def _reading_due(self) -> bool:
        now = time.monotonic()
        if self._others_waiting and now - self._pass_ended >= self._gap():
            return True
        return now - self._pass_began >= self._every(self._every_s)

    def _pass_reads(self, paced: bool) -> bool:
        """Whether the pass about to run reads other consoles' ops: always, unless a paced
        caller runs it for this console's own entries before a reading pass is due (only
        with a hub alone: a folder pass reads the share as it writes to it)."""
        return not paced or self.hub is None or self.share is not None or self._reading_due()

    def wait(self, timeout: float) -> None:
        """Sleep up to timeout; with a hub, wake as soon as another console publishes (unless
        that is known already and the pass waits for its gap)."""
        if self.hub is not None and not self._others_waiting:
            self.hub.wait(timeout)
        else:
            time.sleep(timeout)

    def _pass_begins(self, reads: bool) -> None:
        """What the pass about to run covers: later changes make the next one due."""
        self._own_mark = self.store.head()
        if not reads:
            return
        self._pass_began = time.monotonic()
        self._share_marks = self._other_folders()
        self._others_waiting = False
        if self.hub is not None:
            self.hub.unmute()  # later news is heard, even if this pass is skipped
            self.hub.woken()  # news so far (some queued before it muted): this pass reads it

    def _pass_ends(self, reads: bool, consoles: int) -> None:
        if reads:
            self._pass_ended = time.monotonic()
            self._pass_seconds = self._pass_ended - self._pass_began
            self._pass_consoles = consoles

    def _every(self, every_s: float) -> float:
        """A hub-only console whose listening connection is up hears of every new row and of
        a lost connection at once: its timed pass (the hole sweep, ops held back for clock
        skew) can be rarer, which halves what an idle console costs."""
        if self.share is None and self.hub is not None and self.hub.listening:
            return max(every_s, QUIET_HUB_EVERY_S)
        return every_s

    def _gap(self) -> float:
        by_consoles = PASS_GAP_PER_CONSOLE_S * self._pass_consoles
        return min(PASS_GAP_MAX_S, max(PASS_GAP_S, self._pass_seconds, by_consoles))

    def _others_published(self) -> bool:
        if self.hub is not None and self.hub.woken():
            return True
        return self.share is not None and self._other_folders() != self._share_marks

    def _other_folders(self) -> list[object] | None:
        """(name, mtime) of every other console's folder in the share (a new file changes
        its folder's mtime); None without a share."""
        if self.share is None:
            return None
        marks: list[object] = []
        try:
            with os.scandir(self.share) as entries:
                for entry in entries:
                    if (
                        entry.name != self.console_id
                        and seg.CONSOLE_DIR_RE.match(entry.name)
                        and entry.is_dir(follow_symlinks=False)
                    ):
                        marks.append((entry.name, entry.stat(follow_symlinks=False).st_mtime_ns))
        except OSError:
            marks.append(None)
        marks.sort(key=repr)
        return marks
