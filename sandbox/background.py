"""A ``ThreadingHTTPServer`` running in a background thread: the sandbox servers' lifecycle."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class BackgroundServer:
    """``start()``/``stop()``, a context manager and ``port`` for one HTTP server.

    Subclasses set ``_host`` and ``_port`` and name their request ``handler`` class, which
    reaches the server through its ``app`` attribute.
    """

    _host: str
    _port: int
    handler: type[BaseHTTPRequestHandler]
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
