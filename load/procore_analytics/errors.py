"""The one exception type of the Procore Analytics source, and its kinds.

Every failure a user can meet ends in a ``ProcoreAnalyticsError`` whose message is one line
naming the cause and the fix. No message ever contains the bearer token.
"""

from __future__ import annotations


class ProcoreAnalyticsError(Exception):
    """A failure of the Procore Analytics source, described in one line."""


class ProfileError(ProcoreAnalyticsError):
    """The profile file, or the settings standing in for it, cannot be used."""


class TokenError(ProcoreAnalyticsError):
    """The sharing server refused the bearer token (wrong, revoked or expired)."""


class EndpointUnreachable(ProcoreAnalyticsError):
    """The sharing server could not be reached."""


class SharingServerError(ProcoreAnalyticsError):
    """The sharing server answered a call with an error status."""

    def __init__(self, message: str, status: int, error_code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


class FileURLExpired(ProcoreAnalyticsError):
    """A presigned data file URL was refused (403): it expired, or its signature is stale."""
