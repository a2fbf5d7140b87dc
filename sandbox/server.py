"""A local Procore: the REST API of one generated company, served over HTTP.

Behaviour follows docs/procore-api.md, which says what Procore documents and what the
sandbox assumes where it does not (each assumption a ``SandboxSettings`` switch). The server
is a plain ``ThreadingHTTPServer`` so that it starts in milliseconds inside a test and needs
nothing beyond the standard library and orjson.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import orjson

from .background import BackgroundServer, SandboxRequestHandler
from .faults import Fault, FaultKind, FaultPlan
from .generator import Company, advance
from .http import JSON_CONTENT_TYPE, HttpError, Request, Response, json_response
from .listing import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    page_window,
    pagination_headers,
    slice_page,
)
from .oauth import (
    AUTHORIZATION_CODE_TTL_SECONDS,
    DEFAULT_TOKEN_TTL_SECONDS,
    INVALID_CLIENT,
    INVALID_TOKEN,
    AccessToken,
    OAuthServer,
    OAuthSettings,
)
from .ratelimit import (
    DOCUMENTED_HOURLY_LIMIT,
    DOCUMENTED_SPIKE_LIMIT,
    SPIKE_SECONDS,
    RateLimiter,
    RateLimitState,
    heavy_load_error,
    rate_limited_error,
)
from .served_lists import ServedList, ServedListRows, group_meetings, load_served_lists

__all__ = [
    "DOCUMENTED_HOURLY_LIMIT",
    "DOCUMENTED_SPIKE_LIMIT",
    "INVALID_CLIENT",
    "INVALID_TOKEN",
    "NO_PERMISSION",
    "Fault",
    "FaultPlan",
    "ProcoreSandbox",
    "SandboxSettings",
]

# 403 texts: Procore's docs name the not-connected case; the other wording is ours
# (docs/procore-api.md#errors).
NO_PERMISSION = "You do not have permission to access this resource"
NOT_CONNECTED = "App is not connected to this company"
# These two serve a user token without `Procore-Company-Id`; a DMSA token needs it
# (docs/procore-api.md#the-procore-company-id-header).
COMPANY_HEADER_EXEMPT_PATHS = frozenset({"/rest/v1.0/me", "/rest/v1.0/companies"})


@dataclass
class SandboxSettings:
    """How the sandbox behaves; every behaviour Procore's docs leave open is a switch here.

    Settings are read on every request, so a test may change them on a running sandbox
    (``sandbox.settings.heavy_load = True``).
    """

    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS  # current docs say 90 minutes
    # Codes from /oauth/authorize are single-use and live 10 minutes.
    authorization_code_ttl_seconds: int = AUTHORIZATION_CODE_TTL_SECONDS
    # The app's registered redirect URIs; empty accepts any, which suits tests [INFERRED].
    redirect_uris: tuple[str, ...] = ()
    # Procore's docs say the old refresh token dies on refresh; whether the old *access* token
    # dies too is not documented. Doorkeeper keeps both on one record and revokes it
    # (docs/procore-api.md#authorization-code-and-refresh-tokens).
    revoke_access_token_on_refresh: bool = True
    # The REST 401 body is `{"errors": ...}` by default; True gives Doorkeeper's
    # `{"error": "invalid_token", "error_description": ...}`. Procore's docs show neither.
    doorkeeper_401_body: bool = False
    # Lenient serves requests without `Procore-Company-Id`; strict answers 400 (Procore's
    # docs give the message, not the status).
    strict_company_header: bool = False
    # A tool switched off in a project answers 403. Project id -> resource keys ("rfis").
    disabled_tools: dict[int, set[str]] = field(default_factory=dict)
    # A company-level tool the service account's permission template does not grant
    # answers 403 too. Resource keys of company lists ("submittal_statuses", "vendors").
    denied_company_tools: set[str] = field(default_factory=set)
    default_per_page: int = DEFAULT_PER_PAGE
    max_per_page: int = MAX_PER_PAGE
    # Procore documents `Total` on paginated lists, but clients must not depend on it: False
    # leaves it out (Per-Page and Link stay), as a proxy or an older endpoint might.
    send_total_header: bool = True
    # An hourly window of 3,600 (Procore's older docs) and a 10-second spike window of 25 (the
    # current docs' example headers; docs/procore-api.md#rate-limits). None disables a
    # window: tests and benchmarks that walk hundreds of pages on purpose say so explicitly.
    rate_limit_hourly: int | None = DOCUMENTED_HOURLY_LIMIT
    rate_limit_spike: int | None = DOCUMENTED_SPIKE_LIMIT
    rate_limit_spike_seconds: float = SPIKE_SECONDS
    # Procore's docs disagree on whether a 429 carries `Retry-After`; sending it serves
    # clients of either reading.
    retry_after_on_429: bool = True
    # Heavy-load throttling: every /rest request answers 503 with `Retry-After`.
    heavy_load: bool = False
    heavy_load_retry_after_seconds: int = 5
    # Injected failures; none by default. See `sandbox.faults`.
    faults: FaultPlan = field(default_factory=FaultPlan)


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[[Request], Response]


class ProcoreSandbox(BackgroundServer):
    """The REST API of one generated company.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with ProcoreSandbox(generate_company(seed=7)) as sandbox:
            print(sandbox.base_url)

    Args:
        company: The company to serve.
        settings: How the sandbox behaves (the defaults when None).
        host: The interface to listen on.
        port: The port; 0 takes a free one (see ``port`` once started).
        clock: Seconds since the epoch, for the rate-limit windows and their headers.
            A test that shares a clock with the loader runs the windows on it: waiting out
            an hourly window then takes no real hour.
    """

    def __init__(
        self,
        company: Company,
        settings: SandboxSettings | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.company = company
        self.settings = settings or SandboxSettings()
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        # Held while answering and while advancing: no request sees a half-advanced company.
        self._state_lock = threading.RLock()
        # Called after every `advance()`, e.g. to write the Delta Share's new versions.
        self.after_advance: list[Callable[[Company], None]] = []
        owner = company.users[0]["id"] if getattr(company, "users", None) else 1
        self.oauth = OAuthServer(self._oauth_settings, resource_owner_id=int(owner))
        self._clock = clock
        self.rate_limiter = RateLimiter(clock)
        self.request_count = 0
        self._routes: list[_Route] = []
        self._rows = ServedListRows(company, self.check_tool_enabled)
        self._register_routes()

    # -- lifecycle (start, stop, port: see BackgroundServer) -------------------------------

    thread_name = "procore-sandbox"

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

    @property
    def faults(self) -> FaultPlan:
        """The run's fault plan (``settings.faults``): ``sandbox.faults.schedule(...)``."""
        return self.settings.faults

    @property
    def _tokens(self) -> dict[str, AccessToken]:
        """Every access token issued, by value (tests check none leaks into output)."""
        return self.oauth.access_tokens

    def _oauth_settings(self) -> OAuthSettings:
        settings = self.settings
        return OAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            token_ttl_seconds=settings.token_ttl_seconds,
            authorization_code_ttl_seconds=settings.authorization_code_ttl_seconds,
            redirect_uris=settings.redirect_uris,
            revoke_access_token_on_refresh=settings.revoke_access_token_on_refresh,
        )

    # -- dispatch ----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        def route(method: str, path: str, handler: Callable[[Request], Response]) -> None:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            self._routes.append(_Route(method, re.compile(f"^{pattern}$"), handler))

        # The login host's endpoints (served from the same port, see `login_url`).
        route("POST", "/oauth/token", self.oauth.token)
        route("GET", "/oauth/authorize", self.oauth.authorize)
        route("GET", "/oauth/token/info", self.oauth.token_info)
        route("POST", "/oauth/revoke", self.oauth.revoke)
        route("GET", "/rest/v1.0/me", self._me)
        # Not a Procore endpoint: lets a user of the running sandbox move its clock.
        route("POST", "/_sandbox/advance", self._advance_endpoint)
        # Every list endpoint comes from a resource contract (sandbox/contracts).
        for endpoint in load_served_lists():
            for path in (endpoint.path, *endpoint.aliases):
                route("GET", path, self._list_handler(endpoint))

    def advance(self, days: float) -> None:
        """Move the company's clock forward (``sandbox.advance``), then run ``after_advance``."""
        with self._state_lock:
            advance(self.company, days)
            for hook in self.after_advance:
                hook(self.company)

    def _advance_endpoint(self, request: Request) -> Response:
        """``POST /_sandbox/advance?days=N``: sandbox-only, for trying incremental loads."""
        try:
            days = float(request.param("days") or "1")
        except ValueError:
            raise HttpError(400, {"errors": "days must be a number"}) from None
        if not 0 < days <= 3650:
            raise HttpError(400, {"errors": "days must be between 0 and 3650"})
        self.advance(days)
        return json_response({"clock": self.company.clock.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def count_request(self) -> None:
        """Add one to ``request_count`` (every request answered, faults included)."""
        with self._lock:
            self.request_count += 1

    def handle(self, request: Request) -> Response:
        """Answer one request; used by the HTTP handler and directly by unit tests.

        /rest requests pass the rate limiter first and every /rest answer, errors
        included, carries the `X-Rate-Limit-*` headers of the caller's tightest window.
        """
        self.count_request()
        limit: RateLimitState | None = None
        try:
            if request.path.startswith("/rest/"):
                limit = self._throttle(request)
            with self._state_lock:
                response = self._route(request)
        except HttpError as error:
            response = json_response(error.body, status=error.status, headers=error.headers)
        if limit is not None:
            response.headers = {
                **limit.headers(self._clock(), retry_after=False),
                **response.headers,
            }
        return response

    def _route(self, request: Request) -> Response:
        path_matched = False
        for candidate in self._routes:
            match = candidate.pattern.match(request.path)
            if match is None:
                continue
            if candidate.method == request.method:
                request.path_params = match.groupdict()
                return candidate.handler(request)
            path_matched = True
        if path_matched:
            raise HttpError(405, {"errors": "Method Not Allowed"})
        raise HttpError(404, {"errors": "Not Found"})

    # -- rate limits (docs/procore-api.md#rate-limits) ----------------------------------

    def _rate_key(self, request: Request) -> Hashable:
        """Whose quota a request uses: per client and company.

        A user token's quota is also per user [INFERRED: the older docs counted per token];
        requests without a valid token share one anonymous quota per company.
        """
        token = self.oauth.lookup(request)
        company = (request.header("procore-company-id") or "").strip() or request.param(
            "company_id"
        )
        if token is None:
            return ("anonymous", None, company)
        return (token.client_id, token.resource_owner_id, company)

    def _throttle(self, request: Request) -> RateLimitState | None:
        """Count the request; 429 when a window is used up, 503 under heavy load."""
        settings = self.settings
        state = self.rate_limiter.hit(
            self._rate_key(request),
            settings.rate_limit_hourly,
            settings.rate_limit_spike,
            settings.rate_limit_spike_seconds,
        )
        now = self._clock()
        if state is not None and not state.allowed:
            raise rate_limited_error(state, now, retry_after=settings.retry_after_on_429)
        if settings.heavy_load:
            error = heavy_load_error(settings.heavy_load_retry_after_seconds)
            if state is not None:
                error.headers = {**state.headers(now, retry_after=False), **error.headers}
            raise error
        return state

    # -- auth and visibility -----------------------------------------------------------------

    def _authenticate(self, request: Request) -> AccessToken:
        """The caller's token, or a 401 (docs/procore-api.md#errors)."""
        return self.oauth.authenticate(request, doorkeeper_style=self.settings.doorkeeper_401_body)

    def _check_company_header(self, request: Request, token: AccessToken | None = None) -> None:
        """Enforce `Procore-Company-Id` (docs/procore-api.md#the-procore-company-id-header).

        Strict mode answers 400 when it is missing, except on `/me` and `/companies` for a
        user token; client-credentials (DMSA) tokens need it everywhere. A company the app is
        not installed in answers 403, as Procore's docs list.
        """
        header = request.header("procore-company-id")
        if header is None or not header.strip():
            if not self.settings.strict_company_header:
                return
            token = token or self.oauth.lookup(request)
            user = token is not None and not token.is_service_account
            if user and request.path in COMPANY_HEADER_EXEMPT_PATHS:
                return
            raise HttpError(400, {"errors": "Missing Procore-Company-Id header!"})
        if header.strip() != str(self.company.company_id):
            raise HttpError(403, {"errors": NOT_CONNECTED})

    def _guard(self, request: Request) -> AccessToken:
        """Authenticate and check the company header: the preamble of every /rest endpoint."""
        token = self._authenticate(request)
        self._check_company_header(request, token)
        return token

    def check_tool_enabled(self, project_id: int | None, resource: str) -> None:
        """Raise a 403 when ``resource``'s tool is disabled in the project.

        ``settings.disabled_tools`` maps project ids to resource keys (``"rfis"``); a company
        list (``project_id`` None) is denied by ``settings.denied_company_tools``.
        """
        denied = (
            self.settings.denied_company_tools
            if project_id is None
            else self.settings.disabled_tools.get(project_id, ())
        )
        if resource in denied:
            raise HttpError(403, {"errors": NO_PERMISSION})

    # -- endpoints ---------------------------------------------------------------------------

    def _me(self, request: Request) -> Response:
        """`/me`: the DMSA's own account, or the user who granted the token."""
        token = self._guard(request)
        if token.is_service_account:
            return json_response({"id": 1, "login": f"{token.client_id}@dmsa", "name": ""})
        user = next(
            (u for u in getattr(self.company, "users", []) if u["id"] == token.resource_owner_id),
            {"id": token.resource_owner_id, "login": "sandbox.user@example.com", "name": ""},
        )
        # `name` is only filled in when `company_id` or `project_id` is given.
        named = request.param("company_id") or request.param("project_id")
        return json_response(
            {"id": user["id"], "login": user["login"], "name": user["name"] if named else ""}
        )

    def _list_handler(self, endpoint: ServedList) -> Callable[[Request], Response]:
        """Serve one contract's list endpoint: authenticated, scoped, filtered, paginated."""

        def serve(request: Request) -> Response:
            self._guard(request)
            selected = self._rows.select(endpoint, request)
            headers: dict[str, str] = {}
            if endpoint.paginated:
                page, per_page = page_window(
                    request,
                    len(selected),
                    self.settings.default_per_page,
                    self.settings.max_per_page,
                )
                headers = pagination_headers(request, self.base_url, page, per_page, len(selected))
                if not self.settings.send_total_header:
                    del headers["Total"]
                selected = list(slice_page(selected, page, per_page))
            if endpoint.envelope == "grouped_meetings" and request.param("deleted_only") != "true":
                groups = [
                    {"group_title": group["group_title"], "meetings": _public(group["meetings"])}
                    for group in group_meetings(selected)
                ]
                return Response(200, orjson.dumps(groups), headers)
            return self._array_response(selected, headers)

        return serve

    def _array_response(self, rows: Sequence[dict], headers: dict[str, str]) -> Response:
        return Response(200, orjson.dumps(_public(rows)), headers)


def _public(records: Sequence[dict]) -> list[dict]:
    """The records as the API shows them: private keys (a leading underscore) removed.

    A copy without those keys is about four times cheaper than a filtered rebuild, and the
    sandbox serialises every record it serves.
    """
    shown = []
    for record in records:
        copy = record.copy()
        for key in [key for key in copy if key.startswith("_")]:
            del copy[key]
        shown.append(copy)
    return shown


class _Handler(SandboxRequestHandler):
    """Turns raw HTTP into ``Request`` objects for the sandbox and writes its responses.

    Injected faults (``sandbox.faults``) act here, on the wire, so that clients meet them as
    they would meet a real network: a delay before the answer, a 5xx or 429 instead of it,
    a body cut short, or a socket reset in the middle of the body.
    """

    app: ProcoreSandbox
    server_version = "ProcoreSandbox/1.0"

    def _dispatch(self) -> None:
        request = self.read_request()
        fault = self.app.faults.pick(request.method, request.path)
        if fault is not None and fault.kind is FaultKind.SLOW:
            time.sleep(fault.delay_seconds)
        if fault is not None and fault.kind in {FaultKind.ERROR, FaultKind.RATE_LIMIT}:
            self.app.count_request()
            response = fault.response()
        else:
            response = self._answer(request)
        try:
            self._write(response, fault)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout on a slow answer, say): nothing left to do.
            self.close_connection = True

    def _answer(self, request: Request) -> Response:
        try:
            return self.app.handle(request)
        except Exception as error:  # a bug in the sandbox must still answer like a server
            self.log_error("sandbox error: %r", error)
            return json_response({"errors": "Internal Server Error"}, status=500)

    def _write(self, response: Response, fault: Fault | None) -> None:
        body = response.body
        kind = fault.kind if fault is not None else None
        if fault is not None and kind is FaultKind.TRUNCATED_JSON:
            body = fault.cut(body)  # a complete HTTP message whose JSON is cut short
        # A reset announces the full length, so the client knows the body was cut off.
        headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("Content-Length", str(len(body))),
            *response.headers.items(),
        ]
        if self.command == "HEAD":
            self.send_answer(response.status, headers, b"")
            return
        if fault is not None and kind is FaultKind.CONNECTION_RESET:
            self.send_answer(response.status, headers, fault.cut(body))
            self.wfile.flush()
            self._reset_connection()
            return
        self.send_answer(response.status, headers, body)

    def _reset_connection(self) -> None:
        """Close the socket abruptly: SO_LINGER 0 makes close() send a TCP RST, not a FIN."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            self.connection.close()

    do_PATCH = SandboxRequestHandler.do_GET


# The handler class is defined after the server class that it serves.
ProcoreSandbox.handler = _Handler
