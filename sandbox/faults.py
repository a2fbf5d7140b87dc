"""Fault injection: make the sandbox fail the way a real API sometimes does.

Off by default. A test describes what should go wrong and where, then runs its client::

    sandbox.faults.schedule(Fault.error(502), path="/rfis", nth=2)      # 2nd RFI call: 502
    sandbox.faults.schedule(Fault.connection_reset(), path="/projects")  # next one: reset
    sandbox.faults.randomly(Fault.error(503), probability=0.2, seed=7)   # reproducible noise
    sandbox.faults.rate_limit_storm(3)                                   # next 3 calls: 429

or passes a plan in the settings: ``SandboxSettings(faults=FaultPlan().schedule(...))`` —
``schedule`` and the others return the plan, so calls chain. Faults act in the HTTP handler,
on the wire: a reset really closes the socket mid-body and a slow answer really waits.

Counting starts when a rule is added: ``nth=1`` is the next matching request. Every rule
counts every request it matches; when several would fire, the first added wins.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus

from .http import Response, json_response
from .ratelimit import DOCUMENTED_SPIKE_LIMIT, RATE_LIMITED_MESSAGE

# By default faults hit the REST API only; pass `path=""` to include the OAuth endpoints.
DEFAULT_PATH = r"^/rest/"


class FaultKind(Enum):
    """What goes wrong."""

    ERROR = "error"  # a 5xx (or any status) with an `{"errors": ...}` JSON body
    RATE_LIMIT = "rate_limit"  # a 429 with the `X-Rate-Limit-*` headers
    CONNECTION_RESET = "connection_reset"  # headers and part of the body, then a TCP reset
    SLOW = "slow"  # the normal answer, late
    TRUNCATED_JSON = "truncated_json"  # a 200 whose (consistent-length) body is cut short


@dataclass(frozen=True)
class Fault:
    """One kind of failure; build it with the class methods."""

    kind: FaultKind
    status: int = 500
    retry_after: int | None = None
    delay_seconds: float = 0.0
    keep_fraction: float = 0.5
    rate_limit: int = DOCUMENTED_SPIKE_LIMIT

    @classmethod
    def error(cls, status: int = 500, retry_after: int | None = None) -> Fault:
        """Answer ``status`` with ``{"errors": "<reason phrase>"}``, e.g. 500/502/503.

        ``retry_after`` adds a ``Retry-After`` header, as a heavy-load 503 carries.
        """
        return cls(FaultKind.ERROR, status=status, retry_after=retry_after)

    @classmethod
    def too_many_requests(
        cls, retry_after: int | None = 1, limit: int = DOCUMENTED_SPIKE_LIMIT
    ) -> Fault:
        """A 429 with ``X-Rate-Limit-*`` (remaining 0, reset in ``retry_after`` s).

        ``retry_after=None`` leaves ``Retry-After`` out, as the 2026 rate-limit page implies.
        """
        return cls(FaultKind.RATE_LIMIT, status=429, retry_after=retry_after, rate_limit=limit)

    @classmethod
    def connection_reset(cls, keep_fraction: float = 0.5) -> Fault:
        """Send the real headers and ``keep_fraction`` of the body, then reset the socket."""
        return cls(FaultKind.CONNECTION_RESET, keep_fraction=keep_fraction)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait ``seconds`` before answering normally (to exercise client timeouts)."""
        return cls(FaultKind.SLOW, delay_seconds=seconds)

    @classmethod
    def truncated_json(cls, keep_fraction: float = 0.5) -> Fault:
        """Answer the real status with only ``keep_fraction`` of the body, length consistent.

        The HTTP exchange completes cleanly; only the JSON does not parse.
        """
        return cls(FaultKind.TRUNCATED_JSON, keep_fraction=keep_fraction)

    def response(self, now: float | None = None) -> Response:
        """The canned answer of an ERROR or RATE_LIMIT fault."""
        now = time.time() if now is None else now
        if self.kind is FaultKind.RATE_LIMIT:
            wait = self.retry_after if self.retry_after is not None else 1
            headers = {
                "X-Rate-Limit-Limit": str(self.rate_limit),
                "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(math.ceil(now + wait)),
            }
            if self.retry_after is not None:
                headers["Retry-After"] = str(self.retry_after)
            return json_response({"errors": RATE_LIMITED_MESSAGE}, status=429, headers=headers)
        if self.kind is FaultKind.ERROR:
            try:
                phrase = HTTPStatus(self.status).phrase
            except ValueError:
                phrase = "Error"
            headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
            return json_response({"errors": phrase}, status=self.status, headers=headers)
        raise ValueError(f"a {self.kind.value} fault has no canned response")

    def cut(self, body: bytes) -> bytes:
        """The part of ``body`` a reset or truncated answer still sends (never all of it)."""
        if not body:
            return body
        return body[: min(len(body) - 1, max(0, int(len(body) * self.keep_fraction)))]


@dataclass
class FaultRule:
    """When a fault fires: a path pattern and either a schedule or a probability."""

    fault: Fault
    path: re.Pattern[str]
    method: str | None = None
    nth: int = 1
    times: int | None = 1  # None: every matching request from the nth on
    probability: float | None = None
    rng: random.Random | None = None
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is one this rule counts."""
        return (self.method is None or self.method == method) and bool(self.path.search(path))

    def fires(self, available: bool = True) -> bool:
        """Count one matching request and say whether the fault hits it.

        ``available`` is False when an earlier rule already claimed the request: the request
        still counts towards ``nth`` (and random rules still draw, so the outcomes depend on
        the seed alone), but this rule's ``times`` are not used up.
        """
        self.seen += 1
        if self.probability is not None:
            assert self.rng is not None
            due = self.rng.random() < self.probability
        else:
            due = self.seen >= self.nth
        if not due or not available or (self.times is not None and self.fired >= self.times):
            return False
        self.fired += 1
        return True


@dataclass(frozen=True)
class InjectedFault:
    """A record of one fault the sandbox served."""

    method: str
    path: str
    kind: FaultKind
    status: int | None


@dataclass
class FaultPlan:
    """The faults of one sandbox run; empty (no faults) by default. Thread-safe.

    Args:
        seed: Seeds random rules that give no seed of their own, so runs are reproducible.
    """

    seed: int = 0
    rules: list[FaultRule] = field(default_factory=list)
    injected: list[InjectedFault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def schedule(
        self,
        fault: Fault,
        *,
        path: str = DEFAULT_PATH,
        nth: int = 1,
        times: int | None = 1,
        method: str | None = None,
    ) -> FaultPlan:
        """Fail the ``nth`` request (counted from now) whose path matches the regex ``path``.

        ``times`` consecutive matching requests fail from there (None: all of them).
        """
        if nth < 1:
            raise ValueError("nth counts from 1")
        rule = FaultRule(fault, re.compile(path), method, nth=nth, times=times)
        with self._lock:
            self.rules.append(rule)
        return self

    def randomly(
        self,
        fault: Fault,
        probability: float,
        *,
        path: str = DEFAULT_PATH,
        seed: int | None = None,
        times: int | None = None,
        method: str | None = None,
    ) -> FaultPlan:
        """Fail each matching request with ``probability``, from a seeded random stream.

        ``times`` caps how many requests fail in all (None: no cap).
        """
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        with self._lock:
            stream = seed if seed is not None else f"{self.seed}:{len(self.rules)}"
            rule = FaultRule(
                fault,
                re.compile(path),
                method,
                times=times,
                probability=probability,
                rng=random.Random(stream),
            )
            self.rules.append(rule)
        return self

    def rate_limit_storm(
        self, count: int, *, retry_after: int | None = 1, path: str = DEFAULT_PATH
    ) -> FaultPlan:
        """Answer the next ``count`` matching requests with 429 and the rate-limit headers."""
        return self.schedule(Fault.too_many_requests(retry_after), path=path, times=count)

    def clear(self) -> None:
        """Drop every rule (the record of injected faults stays)."""
        with self._lock:
            self.rules.clear()

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault for one request, or None; called by the server for every request."""
        with self._lock:
            chosen: Fault | None = None
            for rule in self.rules:
                if rule.matches(method, path) and rule.fires(available=chosen is None):
                    chosen = rule.fault
            if chosen is not None:
                canned = chosen.kind in {FaultKind.ERROR, FaultKind.RATE_LIMIT}
                status = chosen.status if canned else None
                self.injected.append(InjectedFault(method, path, chosen.kind, status))
            return chosen
