"""A local Procore: the REST API of one generated company, served over HTTP.

Behaviour follows ``reference/procore-rest-api.md``; the section numbers in comments point
there. The server is a plain ``ThreadingHTTPServer`` so that it starts in milliseconds inside a
test and needs nothing beyond the standard library and orjson.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import orjson

from .generator import Company
from .http import JSON_CONTENT_TYPE, HttpError, Request, Response, json_response
from .listing import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    FilterFunction,
    array_filter,
    page_window,
    pagination_headers,
    slice_page,
    standard_filters,
)

# §6: Doorkeeper-style bodies [INFERRED]; the 401 text itself is documented.
INVALID_TOKEN = "The access token is invalid"
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


@dataclass
class SandboxSettings:
    """How the sandbox behaves; every uncertain behaviour of the notes is a switch here."""

    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"
    token_ttl_seconds: int = 5400  # §1.4: current docs say 90 minutes
    # §1.5: lenient serves requests without `Procore-Company-Id`; strict answers 400.
    strict_company_header: bool = False
    default_per_page: int = DEFAULT_PER_PAGE
    max_per_page: int = MAX_PER_PAGE


@dataclass
class _Token:
    client_id: str
    expires_at: float


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[[Request], Response]


@dataclass
class _Listing:
    """A list endpoint: where its rows come from and which filters it honours (§5.4)."""

    rows: Callable[[Request], Sequence[dict]]
    filters: list[FilterFunction] = field(default_factory=list)
    paginated: bool = True


class ProcoreSandbox:
    """The REST API of one generated company.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with ProcoreSandbox(generate_company(seed=7)) as sandbox:
            print(sandbox.base_url)
    """

    def __init__(
        self,
        company: Company,
        settings: SandboxSettings | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.company = company
        self.settings = settings or SandboxSettings()
        self._host = host
        self._port = port
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.request_count = 0
        self._routes: list[_Route] = []
        self._register_routes()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ProcoreSandbox:
        """Start serving in a background thread; ``port=0`` picks a free port."""
        app = self

        class Handler(_Handler):
            sandbox = app

        self._httpd = ThreadingHTTPServer((self._host, self._port), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval makes stop() return at once (tests start many sandboxes).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="procore-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ProcoreSandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The API base URL (``https://api.procore.com`` in production)."""
        return f"http://{self._host}:{self.port}"

    @property
    def login_url(self) -> str:
        """The OAuth base URL (``https://login.procore.com`` in production).

        The sandbox serves both from one port, as the developer sandbox's docs allow.
        """
        return self.base_url

    # -- dispatch ----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        def route(method: str, path: str, handler: Callable[[Request], Response]) -> None:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            self._routes.append(_Route(method, re.compile(f"^{pattern}$"), handler))

        route("POST", "/oauth/token", self._token)
        route("GET", "/rest/v1.0/me", self._me)
        route("GET", "/rest/v1.0/companies", self._list(self._companies_listing()))
        route("GET", "/rest/v1.0/projects", self._list(self._projects_listing()))
        route("GET", "/rest/v1.0/projects/{project_id}/rfis", self._list(self._rfis_listing()))

    def handle(self, request: Request) -> Response:
        """Answer one request; used by the HTTP handler and directly by unit tests."""
        with self._lock:
            self.request_count += 1
        try:
            for candidate in self._routes:
                match = candidate.pattern.match(request.path)
                if match is None:
                    continue
                if candidate.method != request.method:
                    raise HttpError(405, {"errors": "Method Not Allowed"})
                request.path_params = match.groupdict()
                return candidate.handler(request)
            raise HttpError(404, {"errors": "Not Found"})
        except HttpError as error:
            return json_response(error.body, status=error.status, headers=error.headers)

    # -- OAuth (§1.2) ------------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        fields = request.form()
        grant = fields.get("grant_type")
        if grant != "client_credentials":
            raise HttpError(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "The authorization grant type is not supported by "
                    "the authorization server.",
                },
            )
        client_ok = secrets.compare_digest(
            fields.get("client_id", ""), self.settings.client_id
        ) and secrets.compare_digest(fields.get("client_secret", ""), self.settings.client_secret)
        if not client_ok:
            raise HttpError(401, {"error": "invalid_client", "error_description": INVALID_CLIENT})
        now = time.time()
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = _Token(fields["client_id"], now + self.settings.token_ttl_seconds)
        return json_response(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.settings.token_ttl_seconds,
                "created_at": int(now),
            }
        )

    def _authenticate(self, request: Request) -> _Token:
        """The caller's token, or a 401 as §6 describes."""
        authorization = request.header("authorization") or ""
        scheme, _, value = authorization.partition(" ")
        token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.expires_at <= time.time():
            raise HttpError(
                401,
                {"errors": INVALID_TOKEN},
                headers={
                    "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", '
                    f'error_description="{INVALID_TOKEN}"'
                },
            )
        return token

    def _check_company_header(self, request: Request) -> None:
        """Enforce `Procore-Company-Id` (§1.5).

        Client-credentials tokens need the header everywhere, `/me` and `/companies` included.
        A company the app is not installed in answers 403, as §6 lists.
        """
        header = request.header("procore-company-id")
        if header is None or not header.strip():
            if self.settings.strict_company_header:
                raise HttpError(400, {"errors": "Missing Procore-Company-Id header!"})
            return
        if header.strip() != str(self.company.company_id):
            raise HttpError(403, {"errors": "App is not connected to this company"})

    # -- endpoints ---------------------------------------------------------------------------

    def _me(self, request: Request) -> Response:
        self._authenticate(request)
        self._check_company_header(request)
        return json_response({"id": 1, "login": f"{self.settings.client_id}@dmsa", "name": ""})

    def _list(self, listing: _Listing) -> Callable[[Request], Response]:
        """Wrap a listing into an authenticated, filtered and paginated endpoint."""

        def endpoint(request: Request) -> Response:
            self._authenticate(request)
            self._check_company_header(request)
            rows: Iterable[dict] = listing.rows(request)
            for apply in listing.filters:
                rows = apply(rows, request)
            selected = list(rows)
            if not listing.paginated:
                return self._array_response(selected, {})
            page, per_page = page_window(
                request, len(selected), self.settings.default_per_page, self.settings.max_per_page
            )
            headers = pagination_headers(request, self.base_url, page, per_page, len(selected))
            return self._array_response(slice_page(selected, page, per_page), headers)

        return endpoint

    def _array_response(self, rows: Sequence[dict], headers: dict[str, str]) -> Response:
        body = b"[" + b",".join(self._serialize(row) for row in rows) + b"]"
        return Response(200, body, headers)

    @staticmethod
    def _serialize(record: dict) -> bytes:
        """A record's JSON; private keys (leading underscore) are not part of the API."""
        return orjson.dumps({k: v for k, v in record.items() if not k.startswith("_")})

    def _required(self, request: Request, name: str) -> str:
        value = request.param(name)
        if value is None or not value.strip():
            raise HttpError(400, {"errors": f"param is missing or the value is empty: {name}"})
        return value.strip()

    def _companies_listing(self) -> _Listing:
        return _Listing(rows=lambda request: [self.company.company])

    def _projects_listing(self) -> _Listing:
        def rows(request: Request) -> Sequence[dict]:
            if self._required(request, "company_id") != str(self.company.company_id):
                raise HttpError(404, {"errors": "Not Found"})
            return self.company.projects

        def by_status(rows: Iterable[dict], request: Request) -> Iterable[dict]:
            # §8.2: active projects by default; `filters[by_status]=All` returns every project.
            wanted = (request.param("filters[by_status]") or "Active").strip().lower()
            if wanted == "all":
                return rows
            if wanted not in {"active", "inactive"}:
                raise HttpError(
                    400, {"errors": "filters[by_status] must be Active, Inactive or All"}
                )
            return (row for row in rows if row["active"] == (wanted == "active"))

        return _Listing(
            rows=rows, filters=[by_status, *standard_filters("updated_at", "created_at", "id")]
        )

    def _project(self, request: Request) -> dict:
        """The project named in the path, or 404 when the caller cannot see it (§6)."""
        try:
            project_id = int(request.path_params["project_id"])
        except ValueError as error:
            raise HttpError(404, {"errors": "Not Found"}) from error
        project = next((p for p in self.company.projects if p["id"] == project_id), None)
        if project is None:
            raise HttpError(404, {"errors": "Not Found"})
        return project

    def _rfis_listing(self) -> _Listing:
        def rows(request: Request) -> Sequence[dict]:
            return self.company.project_rows("rfis", self._project(request)["id"])

        def by_status(rows: Iterable[dict], request: Request) -> Iterable[dict]:
            statuses = array_filter(request, "status")
            if statuses is None:
                return rows
            wanted = {status.lower() for status in statuses}
            return (row for row in rows if row["status"] in wanted)

        return _Listing(
            rows=rows, filters=[by_status, *standard_filters("updated_at", "created_at", "id")]
        )


class _Handler(BaseHTTPRequestHandler):
    """Turns raw HTTP into ``Request`` objects for the sandbox and writes its responses."""

    sandbox: ProcoreSandbox
    protocol_version = "HTTP/1.1"  # keep-alive: loaders reuse connections
    server_version = "ProcoreSandbox/1.0"

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        try:
            response = self.sandbox.handle(request)
        except Exception as error:  # a bug in the sandbox must still answer like a server
            response = json_response({"errors": "Internal Server Error"}, status=500)
            self.log_error("sandbox error: %r", error)
        self.send_response(response.status)
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = _dispatch
    do_POST = _dispatch
    do_HEAD = _dispatch
    do_PUT = _dispatch
    do_PATCH = _dispatch
    do_DELETE = _dispatch

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the sandbox runs inside tests and the demo."""
