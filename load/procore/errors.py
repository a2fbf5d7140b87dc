"""The errors of the Procore source, and the pieces of their one-line messages.

Every failure a user can meet ends in a ``ProcoreSourceError`` whose message is one line
naming the cause and the fix. No message ever contains the client secret or a token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SECRETS_HINT = (
    "set sources.procore.client_id and client_secret in .dlt/secrets.toml "
    "(or SOURCES__PROCORE__CLIENT_ID / SOURCES__PROCORE__CLIENT_SECRET)"
)


class ProcoreSourceError(Exception):
    """A failure of the Procore source, described in one line for the person running it."""


class ProcoreAuthError(ProcoreSourceError):
    """The login host refused the client credentials."""


class ProcoreConnectionError(ProcoreSourceError):
    """A host could not be reached."""


class ProcoreAPIError(ProcoreSourceError):
    """The API answered with an error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ProcoreRateLimitExhausted(ProcoreSourceError):
    """The hourly request budget ran out and the policy is to stop, not to wait."""

    def __init__(self, message: str, reset_at: float) -> None:
        super().__init__(message)
        self.reset_at = reset_at


def host_of(url: str) -> str:
    """The scheme and host of ``url``: what a message names, never a path or query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters: an answer's body in a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
