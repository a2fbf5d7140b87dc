"""A ``ThreadingHTTPServer`` running in a background thread: the sandbox servers' lifecycle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from email.utils import formatdate
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from .http import Request

# The limits http.server applies to a request's header block.
MAX_HEADER_LINE = 65536
MAX_HEADERS = 100


class RequestHeaders(dict[str, str]):
    """A request's headers by lower-case name; ``get`` takes any case, as ``HTTPMessage``."""

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        """The value of header ``name``, whatever its case, or ``default``."""
        return super().get(name.lower(), default)


class SandboxRequestHandler(BaseHTTPRequestHandler):
    """What both sandbox servers' handlers share: keep-alive, no Nagle, parsing, quiet logs.

    Subclasses implement ``_dispatch``, which every HTTP method is routed to.
    """

    protocol_version = "HTTP/1.1"  # keep-alive: loaders, fsspec and requests reuse connections
    # Where headers and body go out as two writes (``send_error``, the Delta Sharing server),
    # Nagle and the client's delayed ACK would hold a small response back by about 40 ms.
    disable_nagle_algorithm = True

    def parse_request(self) -> bool:
        """``http.server``'s parsing, with the headers read line by line.

        The standard library runs every header block through the email parser, the largest
        cost of answering a small list, and its ``HTTPMessage`` is slow to read back too; a
        ``RequestHeaders`` dict is not. Request lines it has to judge (HTTP/0.9, other
        versions, malformed lines) still go to it, before any header is read.
        """
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = line.split()
        if len(words) != 3 or words[2] not in ("HTTP/1.0", "HTTP/1.1"):
            return super().parse_request()
        self.requestline = line
        self.command, self.path, self.request_version = words
        headers = RequestHeaders()
        count = 0
        while (raw := self.rfile.readline(MAX_HEADER_LINE + 1)) not in (b"\r\n", b"\n", b""):
            name, colon, value = raw.decode("iso-8859-1").partition(":")
            count += 1
            if len(raw) > MAX_HEADER_LINE or count > MAX_HEADERS:
                self.send_error(431, "Request header fields too large")
                return False
            if not colon or not name.strip():
                self.send_error(400, f"Bad header line {raw[:40]!r}")
                return False
            headers[name.strip().lower()] = value.strip()  # a repeated header: the last wins
        self.headers = headers
        connection = (headers.get("Connection") or "").lower()
        keep_alive = self.request_version == "HTTP/1.1" or connection == "keep-alive"
        self.close_connection = connection == "close" or not keep_alive
        if (headers.get("Expect") or "").lower() == "100-continue":
            return self.handle_expect_100()
        return True

    def send_answer(self, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        """Send the status line, the server's and the given headers, and ``body`` in one write.

        ``send_response`` and ``end_headers`` send the header block and the body as two
        writes: two system calls, two TCP segments and two wake-ups of the client for every
        answer, the largest part of the sandbox's cost per small list. The bytes are the same.
        """
        phrase = self.responses[status][0] if status in self.responses else ""
        lines = [
            f"{self.protocol_version} {status} {phrase}\r\n",
            f"Server: {self.version_string()}\r\n",
            f"Date: {_http_date(int(time.time()))}\r\n",
        ]
        for name, value in headers:
            lines.append(f"{name}: {value}\r\n")
            if name.lower() == "connection":  # as send_header does
                if value.lower() == "close":
                    self.close_connection = True
                elif value.lower() == "keep-alive":
                    self.close_connection = False
        lines.append("\r\n")
        self.wfile.write("".join(lines).encode("latin-1") + body)

    def read_request(self) -> Request:
        """The request being handled, parsed into a ``Request``."""
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        return Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )

    def _dispatch(self) -> None:
        raise NotImplementedError

    def do_GET(self) -> None:
        """Every method goes to ``_dispatch``."""
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the servers run inside tests and the demo."""


@lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    """The `Date` header of answers sent in one second (formatting it costs more than a page)."""
    return formatdate(second, usegmt=True)


class BackgroundServer:
    """``start()``/``stop()``, a context manager and ``port`` for one HTTP server.

    Subclasses set ``_host`` and ``_port`` and name their request ``handler`` class, which
    reaches the server through its ``app`` attribute.
    """

    _host: str
    _port: int
    handler: type[SandboxRequestHandler]
    thread_name = "sandbox-server"

    def start(self) -> Self:
        """Start serving in a background thread; ``port=0`` picks a free port."""
        # A handler class per server, so that several servers can run in one process.
        bound = type(self.handler.__name__, (self.handler,), {"app": self})
        self._httpd = ThreadingHTTPServer((self._host, self._port), bound)
        self._httpd.daemon_threads = True
        # A short poll interval makes stop() return at once (tests start many servers).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self.thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        httpd = getattr(self, "_httpd", None)
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        httpd = getattr(self, "_httpd", None)
        if httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return int(httpd.server_address[1])
