"""The status line: site, lead on duty, local clock in the site's zone, sync state."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from command_console.core.text import clean
from command_console.i18n import N_, _

SYNC_OFF = N_("sync: off")  # the app's default sync state, shown in the chosen language


class StatusLine(Static):
    def __init__(self, site: str, zone: ZoneInfo, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.site, self.zone = site, zone
        self.lead = ""
        self.sync = "sync: off"
        self.now: datetime | None = None
        self._last = ""

    def set_state(
        self, *, lead: str | None = None, now: datetime | None = None, sync: str | None = None
    ) -> None:
        if lead is not None:
            self.lead = lead
        if now is not None:
            self.now = now
        if sync is not None:
            self.sync = sync
        text = self.status_text()
        if text.plain != self._last:
            self._last = text.plain
            self.update(text, layout=False)  # one fixed-height line: no layout pass per second

    def status_text(self) -> Text:
        clock = self.now.astimezone(self.zone).strftime("%H:%M:%S %Z") if self.now else "--:--:--"
        line = Text(no_wrap=True, overflow="ellipsis")
        # Most needed first: a narrow terminal cuts the site, never the clock or the sync state
        # (the count of changes not yet published).
        line.append(" " + clock, style="bold")
        line.append(" │ ")
        sync = _(SYNC_OFF) if self.sync == SYNC_OFF else self.sync  # the rest comes translated
        line.append(clean(sync), style="italic")
        line.append(" │ " + _("lead") + " ")
        line.append(clean(self.lead) or "—", style="bold")
        line.append(" │ ")
        line.append(clean(self.site), style="bold")
        return line
