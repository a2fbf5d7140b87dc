"""A local Delta Sharing server: Procore Analytics' "Cloud Connector" as the real client sees it.

Procore hands customers a Delta Share (bearer token, endpoint, share name) served by Databricks;
this server answers the same REST protocol for Delta tables on local disk so that the real
``delta-sharing`` 1.4.2 client reads them over ``http://127.0.0.1``. Behaviour follows
``docs/procore-analytics.md`` ("The sharing server"), which says what the client needs.

Layout: ``<root>/<schema>/<table>/`` is a Delta table (it has ``_delta_log/``). There is one
share; schemas and tables are discovered on every request, so tables may appear after start.

Data files are served by the same server under ``/files/...`` with "presigned" URLs
(``files``). The server is assembled from mixins, one per concern: discovery (shares,
schemas, tables), the table endpoints (version, metadata, query, changes) and file serving;
this module keeps its lifecycle, routing and bearer-token check.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..background import BackgroundServer, SandboxRequestHandler
from ..http import Request
from .deltalog import DeltaLogError
from .discovery import ShareDiscovery
from .files import FileServing
from .protocol import (
    CAPABILITIES_HEADER,
    DEFAULT_MAX_RESULTS,
    INTERNAL_ERROR,
    INVALID_PARAMETER_VALUE,
    MALFORMED_REQUEST,
    PERMISSION_DENIED,
    RESOURCE_DOES_NOT_EXIST,
    SHAREABLE_NAME,
    SIGNATURE_PARAMETER,
    TABLE_VERSION_HEADER,
    UNAUTHENTICATED,
    UNSUPPORTED_OPERATION,
    ShareResponse,
    SharingError,
    error_response,
    json_response,
)
from .table_endpoints import TableEndpoints

__all__ = [
    "CAPABILITIES_HEADER",
    "INTERNAL_ERROR",
    "INVALID_PARAMETER_VALUE",
    "MALFORMED_REQUEST",
    "PERMISSION_DENIED",
    "RESOURCE_DOES_NOT_EXIST",
    "SIGNATURE_PARAMETER",
    "TABLE_VERSION_HEADER",
    "UNAUTHENTICATED",
    "UNSUPPORTED_OPERATION",
    "DeltaSharingServer",
    "SharingError",
]

# Files are streamed in chunks of this size, never read whole into memory.
FILE_CHUNK = 1 << 20


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., ShareResponse]
    authenticated: bool = True


class DeltaSharingServer(ShareDiscovery, TableEndpoints, FileServing, BackgroundServer):
    """A Delta Sharing server over the Delta tables under ``root``.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with DeltaSharingServer(tmp_path / "share") as server:
            profile = server.write_profile(tmp_path / "config.share")
            delta_sharing.load_as_pandas(f"{profile}#procore_analytics.project_management.rfis")

    ``bearer_token`` defaults to a random token; ``token_expires_at`` (when set and past)
    makes every API call answer 401. ``url_ttl_seconds`` is the life of file URLs.
    ``max_results_default`` is the page size when a list call sends no ``maxResults``
    (the 1.4.2 client never does), so tests set it to 1 to exercise paging.
    """

    def __init__(
        self,
        root: Path,
        share: str = "procore_analytics",
        bearer_token: str | None = None,
        token_expires_at: datetime | None = None,
        url_ttl_seconds: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
        endpoint_prefix: str = "/delta-sharing",
        max_results_default: int = DEFAULT_MAX_RESULTS,
    ) -> None:
        if not SHAREABLE_NAME.match(share):
            raise ValueError(f"invalid share name: {share!r}")
        self.root = Path(root)
        self.share = share
        self.bearer_token = bearer_token or secrets.token_urlsafe(32)
        if token_expires_at is not None and token_expires_at.tzinfo is None:
            token_expires_at = token_expires_at.replace(tzinfo=UTC)
        self.token_expires_at = token_expires_at
        self.url_ttl_seconds = url_ttl_seconds
        self.max_results_default = max_results_default
        self.endpoint_prefix = (
            "/" + endpoint_prefix.strip("/") if endpoint_prefix.strip("/") else ""
        )
        self.share_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"delta-sharing:{share}"))
        self.request_count = 0
        self._host = host
        self._port = port
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._routes: list[_Route] = []
        self._register_routes()

    # -- lifecycle (start, stop, port: see BackgroundServer) -------------------------------

    thread_name = "delta-sharing-sandbox"

    @property
    def endpoint(self) -> str:
        """The profile's ``endpoint``: base URL plus prefix, no trailing slash."""
        return f"http://{self._host}:{self.port}{self.endpoint_prefix}"

    def profile(self) -> dict[str, Any]:
        """A version-1 profile, the form Procore hands out."""
        profile: dict[str, Any] = {
            "shareCredentialsVersion": 1,
            "endpoint": self.endpoint,
            "bearerToken": self.bearer_token,
        }
        if self.token_expires_at is not None:
            stamp = self.token_expires_at.astimezone(UTC)
            profile["expirationTime"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return profile

    def write_profile(self, path: Path) -> Path:
        """Write the profile file (``config.share``) and return its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.profile(), indent=2) + "\n", encoding="utf-8")
        return path

    # -- dispatch ----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        def route(
            method: str,
            path: str,
            handler: Callable[..., ShareResponse],
            authenticated: bool = True,
        ) -> None:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            pattern = pattern.replace("(?P<path>[^/]+)", "(?P<path>.+)")
            self._routes.append(_Route(method, re.compile(f"^{pattern}$"), handler, authenticated))

        prefix = re.escape(self.endpoint_prefix)
        shares = f"{prefix}/shares"
        table = f"{shares}/{{share}}/schemas/{{schema}}/tables/{{table}}"
        route("GET", shares, self._list_shares)
        route("GET", f"{shares}/{{share}}", self._get_share)
        route("GET", f"{shares}/{{share}}/schemas", self._list_schemas)
        route("GET", f"{shares}/{{share}}/schemas/{{schema}}/tables", self._list_tables)
        route("GET", f"{shares}/{{share}}/all-tables", self._list_all_tables)
        # PROTOCOL.md keeps the deprecated `HEAD .../tables/{t}` for the table version.
        route("HEAD", table, self._table_version)
        route("GET", f"{table}/version", self._table_version)
        route("GET", f"{table}/metadata", self._table_metadata)
        route("POST", f"{table}/query", self._query)
        route("GET", f"{table}/changes", self._changes)
        # Files authenticate by signature, as presigned cloud URLs do.
        files = "/files/{share}/{schema}/{table}/{path}"
        route("GET", files, self._serve_file, authenticated=False)
        route("HEAD", files, self._serve_file, authenticated=False)

    def handle(self, request: Request) -> ShareResponse:
        """Answer one request (errors included); used by the HTTP handler."""
        with self._lock:
            self.request_count += 1
        try:
            return self._route(request)
        except SharingError as error:
            return error_response(error)
        except DeltaLogError as error:
            return error_response(SharingError(400, INVALID_PARAMETER_VALUE, str(error)))

    def _route(self, request: Request) -> ShareResponse:
        matching = [(r, r.pattern.match(request.path)) for r in self._routes]
        matching = [(r, m) for r, m in matching if m is not None]
        if not matching:
            if request.path.startswith(self.endpoint_prefix + "/"):
                self._authenticate(request)
            raise SharingError(404, RESOURCE_DOES_NOT_EXIST, f"no such path: {request.path}")
        for candidate, match in matching:
            if candidate.method == request.method:
                if candidate.authenticated:
                    self._authenticate(request)
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                return candidate.handler(request, **params)
        raise SharingError(405, UNSUPPORTED_OPERATION, f"{request.method} is not supported here")

    def _authenticate(self, request: Request) -> None:
        """Bearer-token check: 401 when missing, wrong or expired."""
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.bearer_token.encode()
        ):
            raise SharingError(401, UNAUTHENTICATED, "missing or invalid bearer token")
        if self.token_expires_at is not None and datetime.now(UTC) >= self.token_expires_at:
            raise SharingError(401, UNAUTHENTICATED, "the bearer token has expired")


class _Handler(SandboxRequestHandler):
    """Turns raw HTTP into ``Request`` objects for the server and writes its responses."""

    app: DeltaSharingServer
    server_version = "DeltaSharingSandbox/1.0"

    def _dispatch(self) -> None:
        request = self.read_request()
        try:
            response = self.app.handle(request)
        except Exception as error:  # a bug must still answer like a server
            self.log_error("delta sharing sandbox error: %r", error)
            response = json_response({"errorCode": INTERNAL_ERROR, "message": repr(error)}, 500)
        try:
            self._write(response)
        except (BrokenPipeError, ConnectionResetError):
            # fsspec opens a whole-file GET and drops it once it has the headers.
            self.close_connection = True

    def _write(self, response: ShareResponse) -> None:
        length = response.file[2] if response.file is not None else len(response.body)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.file is None:
            self.wfile.write(response.body)
            return
        path, offset, remaining = response.file
        with path.open("rb") as handle:
            handle.seek(offset)
            while remaining > 0:
                chunk = handle.read(min(FILE_CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)


# The handler class is defined after the server class that it serves.
DeltaSharingServer.handler = _Handler
