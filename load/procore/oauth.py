"""OAuth client credentials: the token request to the login host, and what its answer means.

The client (``client.ProcoreClient``) keeps the token and renews it; this module asks for
one (docs/procore-api.md#client-credentials-dmsa) and turns a refusal into a one-line error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import SECRETS_HINT, ProcoreAPIError, ProcoreAuthError, one_line
from .pacing import Clock
from .transport import Answer, json_or_none

# How the client sends a request: paced by the rate limits, retried like any other.
Send = Callable[..., Answer]


def request_token(
    send: Send, login_url: str, client_id: str, client_secret: str, clock: Clock
) -> tuple[str, float]:
    """A new access token and the moment (on ``clock``) it expires.

    Args:
        send: Sends one request (``method, url, data=form``) and returns its answer.
        login_url: The OAuth host, without a trailing slash.
        client_id: OAuth client id of the DMSA app.
        client_secret: Its secret; sent in the form only, never put in a message.
        clock: Where the expiry is reckoned from.

    Raises:
        ProcoreAuthError: the login host refused the credentials.
        ProcoreAPIError: it answered, but with no token.
    """
    url = f"{login_url}/oauth/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }
    response = send("POST", url, data=form)
    if response.status_code in (400, 401):
        error: Any = json_or_none(response.content) or {}
        code = error.get("error", "invalid_client") if isinstance(error, dict) else "error"
        raise ProcoreAuthError(
            f"Procore rejected the client credentials ({code}) at {url}: {SECRETS_HINT}, "
            "and check that they belong to the environment in sources.procore.environment."
        )
    if response.status_code != 200:
        raise ProcoreAPIError(
            f"The token endpoint {url} answered HTTP {response.status_code}: "
            f"{one_line(response.text)}",
            response.status_code,
        )
    body = json_or_none(response.content)
    if not isinstance(body, dict) or "access_token" not in body:
        raise ProcoreAPIError(
            f"The token endpoint {url} did not return an access token: is login_url right?",
            response.status_code,
        )
    return str(body["access_token"]), clock.time() + float(body.get("expires_in", 3600))
