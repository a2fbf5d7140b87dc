"""Procore's rate limits: an hourly and a 10-second window (docs/procore-api.md#rate-limits).

Each caller (client, company) pair has both windows (Procore's docs: limits are kept per DMSA
per company when a company is named). Windows are fixed, starting at the first request after the
previous one ran out: the doc's example headers reset 3 s apart and not on the hour, so they
are not clock-aligned. Every /rest response reports the window "most likely to be hit first",
i.e. the one with the fewest requests left (the spike window, until the hourly one is nearly
used up, as Procore's docs say).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .http import HttpError

HOUR_SECONDS = 3600
SPIKE_SECONDS = 10
# Procore's older docs' fixed 3,600 requests per hour per token (and per company for a DMSA).
DOCUMENTED_HOURLY_LIMIT = 3600
# 25 is the spike limit in the current docs' example headers; the real value is not
# published and "varies".
DOCUMENTED_SPIKE_LIMIT = 25
# The older docs' plain-text sentence, served as JSON like every other body.
RATE_LIMITED_MESSAGE = (
    "You have surpassed the max number of requests for an hour. Please wait until your limit "
    "resets."
)


@dataclass
class _Window:
    length: float
    started_at: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.started_at + self.length:
            self.started_at, self.used = now, 0

    def reset_at(self) -> float:
        return self.started_at + self.length


@dataclass(frozen=True)
class RateLimitState:
    """What one request learnt about its caller's limit; turned into headers."""

    limit: int
    remaining: int
    reset_at: float
    allowed: bool

    def headers(self, now: float, retry_after: bool) -> dict[str, str]:
        """``X-Rate-Limit-*`` (reset in Unix epoch seconds), and ``Retry-After`` on a 429."""
        headers = {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.remaining),
            "X-Rate-Limit-Reset": str(math.ceil(self.reset_at)),
        }
        if not self.allowed and retry_after:
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_at - now)))
        return headers


class RateLimiter:
    """Counts requests per key in an hourly and a spike window; thread-safe.

    The limits are passed on every call, so a change to the sandbox's settings applies to the
    next request.

    Args:
        clock: Seconds since the epoch; injectable for tests.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[Hashable, tuple[_Window, _Window]] = {}

    def hit(
        self,
        key: Hashable,
        hourly_limit: int | None,
        spike_limit: int | None,
        spike_seconds: float = SPIKE_SECONDS,
    ) -> RateLimitState | None:
        """Count one request of ``key``; None when both windows are disabled (limit None).

        A refused request does not use up quota: the caller gets a full window once it
        resets, which is what a client sleeping until ``X-Rate-Limit-Reset`` expects.
        """
        active = [
            (limit, i) for i, limit in enumerate((hourly_limit, spike_limit)) if limit is not None
        ]
        if not active:
            return None
        now = self._clock()
        with self._lock:
            windows = self._windows.get(key)
            if windows is None:
                windows = (_Window(HOUR_SECONDS), _Window(spike_seconds))
                self._windows[key] = windows
            windows[1].length = spike_seconds
            for window in windows:
                window.roll(now)
            exhausted = [(limit, windows[i]) for limit, i in active if windows[i].used >= limit]
            if exhausted:
                # Report the window that keeps the caller waiting longest: retrying after the
                # earlier reset would only meet the other limit.
                limit, window = max(exhausted, key=lambda pair: pair[1].reset_at())
                return RateLimitState(limit, 0, window.reset_at(), allowed=False)
            for _, i in active:
                windows[i].used += 1
            # Report the window most likely to be hit first: the fewest requests left.
            limit, window = min(
                ((limit, windows[i]) for limit, i in active),
                key=lambda pair: (pair[0] - pair[1].used, pair[1].reset_at()),
            )
            return RateLimitState(limit, limit - window.used, window.reset_at(), allowed=True)

    def reset(self) -> None:
        """Forget every caller's usage."""
        with self._lock:
            self._windows.clear()


def rate_limited_error(state: RateLimitState, now: float, retry_after: bool) -> HttpError:
    """The 429: the rate-limit headers, optionally ``Retry-After``, and a JSON body."""
    return HttpError(429, {"errors": RATE_LIMITED_MESSAGE}, headers=state.headers(now, retry_after))


def heavy_load_error(retry_after_seconds: int) -> HttpError:
    """The 503 of heavy-load throttling, which does carry ``Retry-After``."""
    return HttpError(
        503,
        {"errors": "Service Unavailable"},
        headers={"Retry-After": str(retry_after_seconds)},
    )
