"""A clock that stands still until someone sleeps on it, then moves on at once.

Shared by the sandbox (``ProcoreSandbox(clock=clock.time)``: its rate-limit windows) and
the loader (``procore_source(clock=clock)``: its "now" and its waits), it lets a test wait
out a 10-second or an hourly window in no real time, while both sides see the time pass.
"""

from __future__ import annotations

import threading
from datetime import datetime


class FakeClock:
    """Seconds since the epoch that move only when a thread sleeps or the test advances them.

    A sleep starts when its thread last read the time: threads that read the clock at one
    moment and sleep until the same reset all wake together, as they would on a real clock,
    instead of moving the clock on once each.
    """

    def __init__(self, start: datetime) -> None:
        self._now = start.timestamp()
        self._lock = threading.Lock()
        self._read = threading.local()  # the time each thread last read

    def time(self) -> float:
        with self._lock:
            self._read.at = self._now
            return self._now

    def sleep(self, seconds: float, /) -> None:
        with self._lock:
            since = getattr(self._read, "at", self._now)
            self._now = max(self._now, since + max(0.0, seconds))

    def advance(self, seconds: float) -> None:
        """Move the clock on, as the time between two runs does."""
        with self._lock:
            self._now += seconds
