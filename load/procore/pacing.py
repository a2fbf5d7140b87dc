"""Rate-limit pacing shared by every request of a run: the clock, the pace, the slots.

``Clock`` is where the time is read and waited out; ``Pace`` holds back requests that the
rate-limit window has no room for; ``Slots`` bounds the requests in flight.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Where the client reads the time and waits: the ``time`` module, unless told otherwise.

    Every rate-limit wait, backoff and token expiry goes through it, so a test can hand in
    a clock whose sleeps move it on at once: an hourly window is then waited out in
    milliseconds, against a sandbox whose windows run on the same clock.
    """

    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    def sleep(self, seconds: float, /) -> None:
        """Wait ``seconds``."""
        ...


class Slots:
    """A bound on requests in flight, as a semaphore whose waits and wake-ups run in C.

    ``threading.BoundedSemaphore`` takes a Python condition variable on every acquire and
    release: about 5 µs a request, of a child list's 120 µs on the fetching thread.
    """

    def __init__(self, count: int) -> None:
        self._free: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(count):
            self._free.put(None)

    def __enter__(self) -> None:
        self._free.get()

    def __exit__(self, *exc_info: object) -> None:
        self._free.put(None)


class Pace:
    """The rate-limit state shared by a run's requests, on every thread.

    It holds a "not before" moment (after a 429) and a local request budget for the current
    window. Every send reserves one request of the budget; every answer resets the budget to
    the reported `X-Rate-Limit-Remaining` minus the requests still in flight, which the
    server may not have counted yet. That errs on the safe side, so parallel page fetches
    never step past the window.
    """

    def __init__(self, clock: Clock = time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._not_before = 0.0
        self._budget: int | None = None  # unknown until an answer reports it
        self._reset_at = 0.0
        self._in_flight = 0

    def reserve(self) -> float:
        """Reserve a request and return 0, or return how many seconds to wait first."""
        with self._lock:
            now = self._clock.time()
            if self._budget is not None and now >= self._reset_at:
                self._budget = None  # a new window: learn its budget from the next answer
            wait = self._not_before - now
            if wait <= 0 and self._budget is not None and self._budget <= 0:
                wait = self._reset_at - now
            if wait > 0:
                return wait
            if self._budget is not None:
                self._budget -= 1
            self._in_flight += 1
            return 0.0

    def answered(self, remaining: int | None, reset_at: float | None) -> None:
        """Account for an answer and what it said of the window."""
        with self._lock:
            self._in_flight -= 1
            if remaining is None or reset_at is None:
                return
            estimate = remaining - self._in_flight
            if self._budget is None or reset_at != self._reset_at:
                self._budget = estimate
            else:
                self._budget = min(self._budget, estimate)
            self._reset_at = reset_at

    def hold_until(self, moment: float) -> None:
        """Send nothing before ``moment`` (after a 429)."""
        with self._lock:
            self._not_before = max(self._not_before, moment)
