"""The HTTP transport under the client: pycurl handles, answers, headers and query strings.

It sends one request and reads its whole answer; it knows nothing of tokens, retries or
rate limits (``client`` and ``pacing`` do).
"""

from __future__ import annotations

import queue
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

import certifi
import orjson
import pycurl

from .settings import REQUEST_TIMEOUT_SECONDS

USER_AGENT = "procore-warehouse"


class Headers(dict[str, str]):
    """Response headers with case-insensitive ``get`` (names are kept in lower case)."""

    def get(self, name: str, default: Any = None) -> Any:
        """The value of header ``name``, whatever its case, or ``default``."""
        return super().get(name.lower(), default)

    @classmethod
    def parse(cls, block: bytes) -> Headers:
        """The headers of the last response in a raw header block (after any 1xx)."""
        last = block.decode("latin-1").rstrip("\r\n").rsplit("\r\n\r\n", 1)[-1]
        headers = cls()
        for line in last.split("\r\n")[1:]:  # the status line first
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return headers


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, headers (case-insensitive) and the whole body."""

    status_code: int
    headers: Headers
    content: bytes

    @property
    def text(self) -> str:
        """The body as text, for error messages."""
        return self.content.decode("utf-8", errors="replace")


class TransportError(Exception):
    """The request got no complete answer: refused, reset, cut short or timed out."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason

    @property
    def timed_out(self) -> bool:
        """True when the host accepted the connection but did not answer in time."""
        return bool(self.code == pycurl.E_OPERATION_TIMEDOUT)


class Transport:
    """Keep-alive connections to the API and login hosts, through libcurl (pycurl).

    A list read makes one request per page or parent record (123,000 at the `large`
    sandbox), so the client's cost per request bounds the load. libcurl sends, reads and
    decompresses in C with the GIL released, at about half the CPU per request of urllib3,
    and honours the usual proxy variables (``HTTPS_PROXY``, ``NO_PROXY``). Handles (each
    with its own open connection) are reused from an idle pool, one per request in flight.
    """

    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[pycurl.Curl] = queue.SimpleQueue()

    def _handle(self) -> pycurl.Curl:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        handle = pycurl.Curl()
        handle.setopt(pycurl.NOSIGNAL, 1)  # timeouts without signals: pages come from threads
        handle.setopt(pycurl.CAINFO, certifi.where())
        handle.setopt(pycurl.CONNECTTIMEOUT, REQUEST_TIMEOUT_SECONDS)
        # A read timeout: give up when nothing arrives for this long.
        handle.setopt(pycurl.LOW_SPEED_LIMIT, 1)
        handle.setopt(pycurl.LOW_SPEED_TIME, REQUEST_TIMEOUT_SECONDS)
        handle.setopt(pycurl.ACCEPT_ENCODING, "gzip, deflate")  # decoded by libcurl
        handle.setopt(pycurl.USERAGENT, USER_AGENT)
        return handle

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        headers: Sequence[str] = (),
    ) -> Answer:
        """Send one request and read its whole body; transport failures raise ``TransportError``.

        ``headers`` are whole header lines (``"Accept: application/json"``).
        """
        if params:
            url = f"{url}?{query_string(params)}"
        handle = self._handle()
        body, head = BytesIO(), BytesIO()
        try:
            handle.setopt(pycurl.URL, url)
            handle.setopt(pycurl.HTTPHEADER, headers)
            if method == "POST":  # a form, as the token endpoint takes it
                handle.setopt(pycurl.POSTFIELDS, urlencode(data or {}))
            else:
                handle.setopt(pycurl.HTTPGET, 1)
            handle.setopt(pycurl.WRITEFUNCTION, body.write)
            handle.setopt(pycurl.HEADERFUNCTION, head.write)
            handle.perform()
            status = handle.getinfo(pycurl.RESPONSE_CODE)
        except pycurl.error as error:
            handle.close()  # its connection is in an unknown state
            code, reason = error.args
            raise TransportError(code, reason) from None
        self._idle.put(handle)
        return Answer(status, Headers.parse(head.getvalue()), body.getvalue())


def query_string(params: dict[str, Any]) -> str:
    """``params`` URL-encoded; most lists of a run share a few query strings."""
    try:
        return _encoded(tuple(params.items()))
    except TypeError:  # a list value (`doseq`): not hashable, and rare
        return urlencode(params, doseq=True)


@lru_cache(maxsize=4096)
def _encoded(pairs: tuple[tuple[str, Any], ...]) -> str:
    return urlencode(pairs, doseq=True)


def json_or_none(content: bytes) -> Any:
    """A body decoded as JSON, or None where it does not parse (a page cut short)."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
