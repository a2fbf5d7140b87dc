"""The Procore API client: OAuth client credentials, retries and `Total`-based pagination.

``ProcoreClient`` holds a company's token, sends requests paced by the rate limits
(``pacing``) over keep-alive connections (``transport``), retries what may succeed on a
second try, and reads lists page by page. Its failures are the one-line errors of
``errors``.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pyarrow as pa

from .errors import (
    SECRETS_HINT,
    ProcoreAPIError,
    ProcoreAuthError,
    ProcoreConnectionError,
    ProcoreRateLimitExhausted,
    host_of,
    one_line,
)
from .oauth import request_token
from .pacing import Clock, Pace, Slots
from .pool import in_order
from .settings import (
    BACKOFF_SECONDS,
    DEFAULT_PAGE_WORKERS,
    DEFAULT_PER_PAGE,
    LONG_RATE_LIMIT_WAIT_SECONDS,
    MAX_ATTEMPTS,
    MAX_RATE_LIMIT_WAIT_SECONDS,
    MAX_RATE_LIMITED_RETRIES,
    REQUEST_TIMEOUT_SECONDS,
)
from .transport import Answer, Transport, TransportError, json_or_none

# A page of a list: its records, or (read by a ``PageRead``) an Arrow table of them.
Page: TypeAlias = list[dict[str, Any]] | pa.Table
PageRead: TypeAlias = Callable[[bytes], pa.Table | None]


@dataclass
class RequestStats:
    """What the client did: requests sent, retries, rate-limit waits, and an early stop."""

    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    stopped_early: str | None = None
    # (company id, project id, resource, HTTP status, message) of each skipped tool.
    skipped: list[tuple[int, int, str, int, str]] = field(default_factory=list)


class ProcoreClient:
    """A small, thread-safe Procore REST client for one company.

    Args:
        base_url: API host, e.g. ``https://api.procore.com``.
        login_url: OAuth host, e.g. ``https://login.procore.com``.
        client_id: OAuth client id of the DMSA app.
        client_secret: OAuth client secret; kept in memory only, never logged.
        company_id: Sent as ``Procore-Company-Id`` on every call
            (docs/procore-api.md#the-procore-company-id-header).
        rate_limit_policy: When the hourly budget runs out: ``wait`` for the reset, or
            ``stop`` (raise ``ProcoreRateLimitExhausted`` so the run can end cleanly).
        stats: Where to count requests and waits (shared by clients of one run).
        page_workers: How many pages of one list are fetched at the same time.
        clock: Where the time is read and waited out (the ``time`` module by default).
    """

    def __init__(
        self,
        base_url: str,
        login_url: str,
        client_id: str,
        client_secret: str,
        company_id: int | None = None,
        rate_limit_policy: str = "wait",
        stats: RequestStats | None = None,
        page_workers: int = DEFAULT_PAGE_WORKERS,
        clock: Clock = time,
    ) -> None:
        if not client_id or not client_secret:
            raise ProcoreAuthError(f"No Procore client credentials configured: {SECRETS_HINT}.")
        self.base_url = base_url.rstrip("/")
        self.login_url = login_url.rstrip("/")
        self.company_id = company_id
        self._client_id = client_id
        self._client_secret = client_secret
        self._transport = Transport()
        self._clock = clock
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._header_lines: tuple[str | None, list[str]] = (None, [])  # (token, lines)
        self._token_lock = threading.Lock()
        self.rate_limit_policy = rate_limit_policy
        # A few parallel requests at most: Procore's spike window is small (25 requests per
        # 10 s in its docs' example), and the shared pace holds every thread back when it runs
        # out (docs/procore-api.md#rate-limits).
        self.page_workers = page_workers
        # The rate-limit pace (a "not before" moment and a request budget), shared by every
        # thread and every company client of this run: Procore counts per app and company,
        # and pausing everything is the safe reading of "pace before the window runs out".
        self._pace = Pace(clock)
        self._stats_lock = threading.Lock()
        # Lists of many projects or parents are read in parallel, and each list's pages too:
        # this run-wide bound keeps the requests in flight at `page_workers` however they nest.
        self._in_flight = Slots(max(1, page_workers))
        self.stats = stats if stats is not None else RequestStats()

    def __repr__(self) -> str:  # never show credentials, even in a debugger or traceback
        return f"ProcoreClient(base_url={self.base_url!r}, company_id={self.company_id!r})"

    def for_company(self, company_id: int) -> ProcoreClient:
        """A client for another company, made from a copy of this one's attributes.

        It starts with a copy of this one's token (each client renews its own, under the
        shared token lock) and shares its connection pool, rate-limit pace, request slots
        and stats.
        """
        other = ProcoreClient.__new__(ProcoreClient)
        other.__dict__.update(self.__dict__)
        other.company_id = company_id
        other._header_lines = (None, [])
        return other

    # -- auth (docs/procore-api.md#client-credentials-dmsa) ------------------------------

    def _access_token(self, force: bool = False) -> str:
        with self._token_lock:
            # Renew a minute before expiry so a long page walk never sends a stale token.
            if force or self._token is None or self._clock.time() > self._token_expires_at - 60:
                self._token, self._token_expires_at = request_token(
                    self._send, self.login_url, self._client_id, self._client_secret, self._clock
                )
            return self._token

    # -- sending: pacing, retries, errors -----------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """Send one request: paced by the rate limits, 5xx and resets retried with backoff."""
        attempt = 0
        rate_limited = 0
        while attempt < MAX_ATTEMPTS:
            attempt += 1
            self._wait_for_window()
            self._count("requests")
            try:
                with self._in_flight:
                    response = self._transport.request(method, url, **kwargs)
            # Refused or reset connections, timeouts, and bodies cut short.
            except TransportError as error:
                self._pace.answered(None, None)
                if attempt == MAX_ATTEMPTS:
                    raise self._transport_error(url, error) from None
                self._back_off(attempt)
                continue
            self._observe_rate_limit(response)
            if response.status_code == 429:
                # Not a failure of the request: wait for the window and ask again.
                rate_limited += 1
                attempt -= 1
                if rate_limited > MAX_RATE_LIMITED_RETRIES:
                    return response
                continue
            if response.status_code >= 500:
                if attempt == MAX_ATTEMPTS:
                    return response
                self._wait_before_retry(response, attempt)
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _transport_error(url: str, error: TransportError) -> ProcoreConnectionError:
        if error.timed_out:
            return ProcoreConnectionError(
                f"{host_of(url)} did not answer within {REQUEST_TIMEOUT_SECONDS} s "
                f"{MAX_ATTEMPTS} times: try again later."
            )
        return ProcoreConnectionError(
            f"Cannot reach {host_of(url)} ({one_line(error.reason, 80)}): check "
            "sources.procore.base_url / login_url and the network."
        )

    def _observe_rate_limit(self, response: Answer) -> None:
        """Read `X-Rate-Limit-*` so that no request goes out past the window.

        The reported remaining budget feeds the shared pace. On a 429 nothing goes out before
        `X-Rate-Limit-Reset` (epoch seconds; `Retry-After` seconds where a 429 carries only
        that), plus jitter so parallel clients do not stampede the new window.
        """
        headers = response.headers
        remaining = (headers.get("X-Rate-Limit-Remaining") or "").strip()
        reset = (headers.get("X-Rate-Limit-Reset") or "").strip()
        retry_after = (headers.get("Retry-After") or "").strip()
        self._pace.answered(
            int(remaining) if remaining.isdigit() else None,
            float(reset) if reset.isdigit() else None,
        )
        if response.status_code != 429:
            return
        if reset.isdigit():
            resume_at = float(reset)
        elif retry_after.isdigit():
            resume_at = self._clock.time() + float(retry_after)
        else:
            resume_at = self._clock.time() + BACKOFF_SECONDS * 4
        resume_at = min(resume_at, self._clock.time() + MAX_RATE_LIMIT_WAIT_SECONDS)
        self._pace.hold_until(resume_at + random.uniform(0, 0.5))

    def _wait_for_window(self) -> None:
        """Wait until the window has room for one more request, then reserve it.

        Under the "stop" policy a wait longer than the spike window means the hourly budget
        is gone: raise instead of sleeping through the hour.
        """
        while (wait := self._pace.reserve()) > 0:
            if wait > LONG_RATE_LIMIT_WAIT_SECONDS and self.rate_limit_policy == "stop":
                resume = time.strftime("%H:%M:%S", time.gmtime(self._clock.time() + wait))
                raise ProcoreRateLimitExhausted(
                    f"Procore's hourly request budget is used up until {resume} UTC: stopping "
                    "cleanly; the next run resumes where this one stopped "
                    '(sources.procore.rate_limit_policy = "wait" waits instead).',
                    reset_at=self._clock.time() + wait,
                )
            wait = min(wait, MAX_RATE_LIMIT_WAIT_SECONDS)
            self._count("rate_limit_waits")
            self._count("waited_seconds", wait)
            self._clock.sleep(wait)

    def _count(self, name: str, amount: float = 1) -> None:
        """Add to one ``RequestStats`` field; pages are fetched from several threads."""
        with self._stats_lock:
            setattr(self.stats, name, getattr(self.stats, name) + amount)

    def _back_off(self, attempt: int) -> None:
        delay = BACKOFF_SECONDS * 2 ** (attempt - 1) * (1 + random.random() / 2)
        self._count("retries")
        self._count("waited_seconds", delay)
        self._clock.sleep(delay)

    def _wait_before_retry(self, response: Answer, attempt: int) -> None:
        """Sleep before retrying a 5xx: `Retry-After` seconds on a 503, else backoff."""
        retry_after = (response.headers.get("Retry-After") or "").strip()
        if not retry_after.isdigit():
            self._back_off(attempt)
            return
        delay = min(float(retry_after), MAX_RATE_LIMIT_WAIT_SECONDS) + random.uniform(0, 0.25)
        self._count("retries")
        self._count("waited_seconds", delay)
        self._clock.sleep(delay)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        """GET an API path with auth and the company header; raise on error statuses."""
        url = f"{self.base_url}{path}"
        response = self._send("GET", url, params=params, headers=self._headers())
        if response.status_code == 401:
            # Expired or revoked between calls: one fresh token, then give up.
            self._access_token(force=True)
            response = self._send("GET", url, params=params, headers=self._headers())
        if response.status_code >= 400:
            raise self._api_error(response, path)
        return response

    def _headers(self) -> list[str]:
        """The request header lines: the token, and the company; made once per token."""
        token = self._access_token()
        made_for, lines = self._header_lines
        if made_for != token:
            lines = [f"Authorization: Bearer {token}", "Accept: application/json"]
            if self.company_id is not None:
                lines.append(f"Procore-Company-Id: {self.company_id}")
            self._header_lines = (token, lines)
        return lines

    def _api_error(self, response: Answer, path: str) -> ProcoreAPIError:
        status = response.status_code
        detail = one_line(response.text)
        if status == 401:
            message = f"Procore refused a fresh access token on {path} (401): {SECRETS_HINT}."
        elif status == 403:
            message = (
                f"Procore denied {path} for company {self.company_id} (403: {detail}): check "
                "sources.procore.company_ids, and that the app is installed in that company "
                "with access to the tool."
            )
        elif status == 404:
            message = (
                f"Procore answered 404 for {path} in company {self.company_id}: the company or "
                "project is not visible to these credentials; check sources.procore.company_ids."
            )
        elif status == 429:
            message = f"Procore kept rate-limiting {path} (429): try again after the hour resets."
        else:
            message = f"Procore answered HTTP {status} for {path}: {detail}"
        return ProcoreAPIError(message, status)

    # -- reading ------------------------------------------------------------------------------

    def get_json_and_answer(
        self, path: str, params: dict[str, Any] | None = None
    ) -> tuple[Any, Answer]:
        """GET a path: (its decoded JSON, the answer), retrying a page that does not parse."""
        return self._get_decoded(path, params, json_or_none)

    def _get_decoded(
        self, path: str, params: dict[str, Any] | None, decode: Callable[[bytes], Any]
    ) -> tuple[Any, Answer]:
        """GET a path and ``decode`` its body (None: unreadable), retrying what does not decode."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            response = self.get(path, params)
            body = decode(response.content)
            if body is not None:
                return body, response
            if attempt == MAX_ATTEMPTS:
                raise ProcoreAPIError(
                    f"Procore returned unreadable JSON for {path} {MAX_ATTEMPTS} times "
                    f"(starts with {response.content[:40]!r}): try again later.",
                    response.status_code,
                )
            self._back_off(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_page(
        self, path: str, params: dict[str, Any], read: PageRead | None
    ) -> tuple[Page, Answer]:
        """One page of a list: an Arrow table where ``read`` takes it, else decoded records."""

        def decode(content: bytes) -> Page | None:
            table = read(content) if read is not None else None
            if table is not None:
                return table
            body = json_or_none(content)
            return None if body is None else _as_list(body, path)

        return self._get_decoded(path, params, decode)

    def _remaining_pages(
        self, path: str, query: dict[str, Any], pages: int, read: PageRead | None
    ) -> Iterator[Page]:
        """Pages 2..``pages``, fetched ``page_workers`` at a time and yielded in order.

        The pool keeps at most twice the workers' pages in memory however long the list;
        the shared pace and token lock keep every thread inside the rate limits.
        """

        def fetch(number: int) -> Page:
            page, _ = self._get_page(path, {**query, "page": number}, read)
            return page

        yield from in_order(fetch, range(2, pages + 1), max(1, self.page_workers))

    def paginate(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        read: PageRead | None = None,
    ) -> Iterator[Page]:
        """Yield every page of a paginated list endpoint (docs/procore-api.md#pagination).

        The `Total` header of page 1 says how many pages follow, so no request is spent on
        an empty trailing page. Without `Total` it falls back to stopping at a short page.
        ``read`` may turn a page's JSON straight into an Arrow table (see ``PageReader``);
        the pages it declines come as lists of records.
        """
        query = {**(params or {}), "per_page": per_page, "page": 1}
        page, response = self._get_page(path, query, read)
        yield page
        total = response.headers.get("Total")
        effective = int(response.headers.get("Per-Page") or per_page)
        if total is not None and total.strip().isdigit():
            pages = math.ceil(int(total) / max(effective, 1))
            if pages > 1:  # most lists are one page: no pool for them
                yield from self._remaining_pages(path, query, pages, read)
            return
        number = 1
        while len(page) >= effective:
            number += 1
            page, _ = self._get_page(path, {**query, "page": number}, read)
            if not len(page):
                return
            yield page


def _as_list(body: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise ProcoreAPIError(f"Procore returned {type(body).__name__} for {path}, not a list", 200)
    return body
