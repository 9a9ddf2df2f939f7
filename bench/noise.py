"""Machine stalls seen from outside the process under test.

This VM is shared: now and then every process on it stops for tens to hundreds of
milliseconds. A separate process sleeps 2 ms at a time and records each sleep that
overran; a sample taken during such a stall says more about the machine than about the
code, so a benchmark prints its figure with and without those samples (always both).

    with StallWatch() as watch:
        ...measure, noting time.monotonic() at each sample's start and end...
    watch.overlaps(start, end)
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

STALL_MS = 10.0  # a 2 ms sleep that took this much longer: the machine stopped us


class StallWatch:
    def __init__(self) -> None:
        self.stalls: list[tuple[float, float]] = []  # (start, end) in time.monotonic()

    def __enter__(self) -> StallWatch:
        self._proc = subprocess.Popen(
            [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        time.sleep(0.2)  # the watcher is running before the measurement starts
        return self

    def __exit__(self, *exc) -> None:
        out, _ = self._proc.communicate("")
        self.stalls = [tuple(pair) for pair in json.loads(out or "[]")]

    def overlaps(self, start: float, end: float) -> bool:
        return any(s < end and e > start for s, e in self.stalls)


def watch() -> None:
    """The watcher process: runs until its stdin closes, then prints the stalls as JSON."""
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    stalls = []
    while not done.is_set():
        start = time.monotonic()
        time.sleep(0.002)
        end = time.monotonic()
        if (end - start) * 1000 - 2 > STALL_MS:
            stalls.append((start, end))
    print(json.dumps(stalls))


if __name__ == "__main__":
    watch()
