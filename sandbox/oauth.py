"""Procore's OAuth 2.0 endpoints on the login host (docs/procore-api.md#authentication).

Procore's OAuth server looks like Doorkeeper (Rails): `created_at`, the lower-case `bearer` and
the "The access token is invalid" wording are Doorkeeper's. So token-endpoint errors use its
``{"error", "error_description"}`` shape while the REST API's 401 uses ``{"errors": ...}``
(docs/procore-api.md#token-endpoint-errors).

Grants: ``client_credentials`` (a DMSA, no refresh token), ``authorization_code`` and
``refresh_token`` (a user). There is no login page: ``GET /oauth/authorize`` approves at
once on behalf of the sandbox's user, which is all a headless client test needs.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .http import HttpError, Request, Response, json_response

# Procore's current docs say 90 minutes; older FAQ pages said two hours or 15 minutes.
DEFAULT_TOKEN_TTL_SECONDS = 5400
# Procore's docs: an authorization code is single-use and expires after 10 minutes.
AUTHORIZATION_CODE_TTL_SECONDS = 600
OUT_OF_BAND_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"

# Procore's documented texts; the surrounding JSON shapes are Doorkeeper's (our inference).
INVALID_TOKEN = "The access token is invalid"
INVALID_REFRESH_TOKEN = "The refresh token is invalid"
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."


class GrantKind(Enum):
    """Who a token speaks for: a service account (DMSA) or a user who granted access."""

    SERVICE_ACCOUNT = "client_credentials"
    USER = "user"


@dataclass
class AccessToken:
    """One issued access token and, for user grants, its paired refresh token."""

    value: str
    client_id: str
    kind: GrantKind
    resource_owner_id: int | None
    created_at: float
    expires_at: float
    refresh_token: str | None = None
    revoked: bool = False

    @property
    def is_service_account(self) -> bool:
        """True for client-credentials (DMSA) tokens, which need `Procore-Company-Id` everywhere."""
        return self.kind is GrantKind.SERVICE_ACCOUNT

    def is_valid(self, now: float) -> bool:
        """Neither revoked nor expired."""
        return not self.revoked and now < self.expires_at


@dataclass
class _AuthorizationCode:
    client_id: str
    redirect_uri: str
    expires_at: float


@dataclass
class OAuthSettings:
    """The OAuth knobs, read live from the sandbox's settings on every request."""

    client_id: str
    client_secret: str
    token_ttl_seconds: int
    authorization_code_ttl_seconds: int
    redirect_uris: tuple[str, ...]
    revoke_access_token_on_refresh: bool


def _invalid_client() -> HttpError:
    return HttpError(401, {"error": "invalid_client", "error_description": INVALID_CLIENT})


def _invalid_grant(description: str = INVALID_GRANT) -> HttpError:
    return HttpError(400, {"error": "invalid_grant", "error_description": description})


def invalid_token_error(doorkeeper_style: bool = False) -> HttpError:
    """The 401 for a missing, unknown, revoked or expired access token.

    The REST API answers ``{"errors": "..."}``; Doorkeeper's own endpoints (token info) answer
    ``{"error": "invalid_token", "error_description": "..."}``. Both carry the documented text
    and the ``WWW-Authenticate`` header Doorkeeper sends.
    """
    body: dict[str, str] = (
        {"error": "invalid_token", "error_description": INVALID_TOKEN}
        if doorkeeper_style
        else {"errors": INVALID_TOKEN}
    )
    return HttpError(
        401,
        body,
        headers={
            "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", '
            f'error_description="{INVALID_TOKEN}"'
        },
    )


class OAuthServer:
    """Issues, checks, refreshes and revokes tokens; thread-safe.

    Args:
        settings: A callable returning the current ``OAuthSettings`` (so a test may change
            the sandbox's settings between requests).
        resource_owner_id: The user that ``/oauth/authorize`` approves for.
        clock: Seconds since the epoch; injectable for tests.
    """

    def __init__(
        self,
        settings: Callable[[], OAuthSettings],
        resource_owner_id: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self.resource_owner_id = resource_owner_id
        self._clock = clock
        self._lock = threading.Lock()
        self.access_tokens: dict[str, AccessToken] = {}
        self._refresh_tokens: dict[str, AccessToken] = {}
        self._codes: dict[str, _AuthorizationCode] = {}

    # -- REST-side checks ------------------------------------------------------------------

    def lookup(self, request: Request) -> AccessToken | None:
        """The request's valid bearer token, or None (no error raised)."""
        authorization = request.header("authorization") or ""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = self.access_tokens.get(value.strip())
        if token is None or not token.is_valid(self._clock()):
            return None
        return token

    def authenticate(self, request: Request, doorkeeper_style: bool = False) -> AccessToken:
        """The request's bearer token, or a 401 (missing, unknown, revoked, expired)."""
        token = self.lookup(request)
        if token is None:
            raise invalid_token_error(doorkeeper_style)
        return token

    # -- endpoints --------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        """``POST /oauth/token`` for every supported grant."""
        fields = request.form()
        grant = fields.get("grant_type", "")
        if grant == "client_credentials":
            client_id = self._client(request, fields)
            return self._issue(client_id, GrantKind.SERVICE_ACCOUNT, None)
        if grant == "authorization_code":
            client_id = self._client(request, fields)
            return self._exchange_code(client_id, fields)
        if grant == "refresh_token":
            return self._refresh(request, fields)
        if not grant:
            raise HttpError(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "The request is missing a required parameter: grant_type.",
                },
            )
        raise HttpError(
            400, {"error": "unsupported_grant_type", "error_description": UNSUPPORTED_GRANT}
        )

    def authorize(self, request: Request) -> Response:
        """``GET /oauth/authorize``: approve at once and hand out a code.

        A web redirect URI gets ``302`` to ``redirect_uri?code=...&state=...``; the out-of-band
        URI of headless apps gets the code in a small JSON body instead (Doorkeeper shows it
        on a page).
        """
        settings = self._settings()
        client_id = request.param("client_id") or ""
        if not secrets.compare_digest(client_id, settings.client_id):
            # Doorkeeper never redirects to the URI of an unknown client: it answers itself.
            raise _invalid_client()
        redirect_uri = request.param("redirect_uri") or ""
        if not redirect_uri:
            raise HttpError(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "The request is missing a required parameter: "
                    "redirect_uri.",
                },
            )
        if settings.redirect_uris and redirect_uri not in settings.redirect_uris:
            raise HttpError(
                400,
                {
                    "error": "invalid_redirect_uri",
                    "error_description": "The requested redirect uri is malformed or doesn't "
                    "match client redirect URI.",
                },
            )
        state = request.param("state")
        if request.param("response_type") != "code":
            return self._redirect(
                redirect_uri,
                {
                    "error": "unsupported_response_type",
                    "error_description": "The authorization server does not support this "
                    "response type.",
                },
                state,
            )
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = _AuthorizationCode(
                client_id, redirect_uri, self._clock() + settings.authorization_code_ttl_seconds
            )
        if redirect_uri == OUT_OF_BAND_REDIRECT_URI:
            body: dict[str, Any] = {"code": code}
            if state is not None:
                body["state"] = state
            return json_response(body)
        return self._redirect(redirect_uri, {"code": code}, state)

    def token_info(self, request: Request) -> Response:
        """``GET /oauth/token/info``: Doorkeeper's introspection body."""
        token = self.authenticate(request, doorkeeper_style=True)
        return json_response(
            {
                "resource_owner_id": token.resource_owner_id,
                "scope": [],
                "expires_in_seconds": max(0, int(token.expires_at - self._clock())),
                "application": {"uid": token.client_id},
                "created_at": int(token.created_at),
            }
        )

    def revoke(self, request: Request) -> Response:
        """``POST /oauth/revoke``: always 200, and revokes the paired token too.

        Either the access token or its refresh token may be named. Only the client the
        token was issued to may revoke it (RFC 7009); anything else is silently ignored.
        """
        fields = request.form()
        client_id = self._client_or_none(request, fields)
        value = fields.get("token", "")
        with self._lock:
            token = self.access_tokens.get(value) or self._refresh_tokens.get(value)
            if token is not None and client_id == token.client_id:
                self._revoke(token)
        return json_response({})

    # -- grants ------------------------------------------------------------------------------

    def _exchange_code(self, client_id: str, fields: dict[str, str]) -> Response:
        with self._lock:
            # Single use: the code is gone whatever the outcome of this exchange.
            code = self._codes.pop(fields.get("code", ""), None)
        if (
            code is None
            or code.expires_at <= self._clock()
            or code.client_id != client_id
            or code.redirect_uri != fields.get("redirect_uri", "")
        ):
            raise _invalid_grant()
        return self._issue(client_id, GrantKind.USER, self.resource_owner_id)

    def _refresh(self, request: Request, fields: dict[str, str]) -> Response:
        settings = self._settings()
        with self._lock:
            # Procore's docs: any refresh call, even a failed one (a wrong secret, say), uses
            # the refresh token up, so it is consumed before the client is checked.
            previous = self._refresh_tokens.pop(fields.get("refresh_token", ""), None)
            if previous is not None:
                previous.refresh_token = None
                if settings.revoke_access_token_on_refresh:
                    previous.revoked = True
        client_id = self._client(request, fields)
        if previous is None or previous.client_id != client_id:
            raise _invalid_grant(INVALID_REFRESH_TOKEN)
        return self._issue(client_id, previous.kind, previous.resource_owner_id)

    def _issue(self, client_id: str, kind: GrantKind, owner: int | None) -> Response:
        ttl = self._settings().token_ttl_seconds
        now = self._clock()
        token = AccessToken(
            value=secrets.token_urlsafe(48),
            client_id=client_id,
            kind=kind,
            resource_owner_id=owner,
            created_at=now,
            expires_at=now + ttl,
            # No refresh token for client credentials; one for user grants.
            refresh_token=None if kind is GrantKind.SERVICE_ACCOUNT else secrets.token_urlsafe(48),
        )
        with self._lock:
            self.access_tokens[token.value] = token
            if token.refresh_token is not None:
                self._refresh_tokens[token.refresh_token] = token
        body: dict[str, Any] = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": ttl,
            "created_at": int(now),
        }
        if token.refresh_token is not None:
            body["refresh_token"] = token.refresh_token
        return json_response(body)

    def _revoke(self, token: AccessToken) -> None:
        token.revoked = True
        if token.refresh_token is not None:
            self._refresh_tokens.pop(token.refresh_token, None)
            token.refresh_token = None

    # -- client authentication ---------------------------------------------------------------

    def _client_or_none(self, request: Request, fields: dict[str, str]) -> str | None:
        """The authenticated client id from the body or HTTP Basic (Doorkeeper takes both)."""
        client_id, client_secret = fields.get("client_id", ""), fields.get("client_secret", "")
        scheme, _, encoded = (request.header("authorization") or "").partition(" ")
        if scheme.lower() == "basic" and not client_id:
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
        settings = self._settings()
        ok = secrets.compare_digest(client_id, settings.client_id) and secrets.compare_digest(
            client_secret, settings.client_secret
        )
        return client_id if ok else None

    def _client(self, request: Request, fields: dict[str, str]) -> str:
        client_id = self._client_or_none(request, fields)
        if client_id is None:
            raise _invalid_client()
        return client_id

    @staticmethod
    def _redirect(uri: str, params: dict[str, str], state: str | None) -> Response:
        if state is not None:
            params = {**params, "state": state}
        parts = urlsplit(uri)
        query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
        location = urlunsplit(parts._replace(query=urlencode(query)))
        return Response(302, b"", {"Location": location})
