"""Share credentials: a Delta Sharing profile file, or endpoint + bearer token + share.

Procore Analytics hands out a bearer token, the sharing server's URL (endpoint), the share name
and a credentials version, optionally as a profile file (``*.share``, JSON)::

    {"shareCredentialsVersion": 1, "endpoint": "https://.../delta-sharing/",
     "bearerToken": "...", "expirationTime": "2026-12-31T00:00:00.0Z"}

Everything wrong with them is found here, before any request and before the raw file is
opened, and reported in one line naming the file (or setting) and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ProfileError, TokenError
from .settings import PROFILE_VERSION, SETTINGS_SECTION

# Where a new token comes from (Procore's "Generate access credentials" steps).
NEW_TOKEN_STEPS = (
    "generate a new one in Procore (Account & Profile icon > My Profile Settings > Procore "
    "Analytics connection > Delta Share Token: choose an expiration date, Generate Tokens; it "
    "needs Admin access to the Analytics tool)"
)


@dataclass(frozen=True)
class ShareProfile:
    """What a client needs to reach one share.

    Attributes:
        endpoint: The sharing server's base URL, without a trailing slash.
        bearer_token: The token sent as ``Authorization: Bearer``.
        share: The share name; None to use the only share the token can see.
        expiration_time: When the token expires (UTC), if the credentials say.
        origin: Where the credentials came from, for messages ("profile file x.share").
        token_setting: Where the token is set, for messages about replacing it.
    """

    endpoint: str
    bearer_token: str
    share: str | None
    expiration_time: datetime | None
    origin: str
    token_setting: str

    def __repr__(self) -> str:
        # Never print the token, even in a traceback's locals.
        return f"ShareProfile(endpoint={self.endpoint!r}, share={self.share!r}, {self.origin})"

    def check_not_expired(self, now: datetime | None = None) -> None:
        """Raise ``TokenError`` if the credentials say the token has expired."""
        moment = now or datetime.now(UTC)
        if self.expiration_time is not None and self.expiration_time <= moment:
            raise TokenError(
                f"The Procore Analytics bearer token of {self.origin} expired on "
                f"{_shown(self.expiration_time)}: {NEW_TOKEN_STEPS}, then put it in "
                f"{self.token_setting}."
            )


def _shown(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time (``2026-12-31T00:00:00.0Z``) as an aware UTC datetime."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _checked_endpoint(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{where} is missing: it must be the Delta Sharing server URL.")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProfileError(
            f"{where} is {value!r}, not an http(s) URL: it must be the Delta Sharing server "
            "URL Procore gave you, e.g. https://<host>/api/2.0/delta-sharing/metastores/<id>."
        )
    # The protocol appends paths that start with "/" to the endpoint.
    return value.strip().rstrip("/")


def read_profile(path: Path, share: str | None = None) -> ShareProfile:
    """Read and check a version-1 profile file.

    Args:
        path: The ``.share`` file.
        share: The share name (a profile file does not hold one); None to use the only
            share the token can see.

    Raises:
        ProfileError: naming the file and the field that is missing or malformed.
    """
    shown = f"profile file {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(
            f"The Procore Analytics {shown} does not exist: set {SETTINGS_SECTION}.profile "
            "(or pass --profile) to the .share file, or set endpoint, share and bearer_token."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"Cannot read the Procore Analytics {shown}: {error}.") from None
    try:
        content = json.loads(text)
    except ValueError as error:
        detail = getattr(error, "msg", str(error))
        place = (
            f" (line {error.lineno}, column {error.colno})"
            if isinstance(error, json.JSONDecodeError)
            else ""
        )
        raise ProfileError(
            f"The Procore Analytics {shown} is not valid JSON{place}: {detail}. It must hold "
            "shareCredentialsVersion, endpoint and bearerToken."
        ) from None
    if not isinstance(content, dict):
        raise ProfileError(
            f"The Procore Analytics {shown} is not a JSON object: it must hold "
            "shareCredentialsVersion, endpoint and bearerToken."
        )
    version = content.get("shareCredentialsVersion")
    if version != PROFILE_VERSION:
        got = "missing" if version is None else f"{version!r}"
        raise ProfileError(
            f"Field shareCredentialsVersion of the {shown} is {got}: this loader reads version "
            f"{PROFILE_VERSION} profiles (endpoint and bearerToken), the kind Procore "
            "Analytics hands out."
        )
    endpoint = _checked_endpoint(content.get("endpoint"), f"Field endpoint of the {shown}")
    token = content.get("bearerToken")
    if not isinstance(token, str) or not token.strip():
        raise ProfileError(
            f"Field bearerToken of the {shown} is missing or empty: copy the bearer token "
            "Procore Analytics showed you into it."
        )
    expiration = content.get("expirationTime")
    expires: datetime | None = None
    if expiration is not None:
        try:
            expires = parse_time(str(expiration))
        except ValueError:
            raise ProfileError(
                f"Field expirationTime of the {shown} is {expiration!r}, not an ISO 8601 "
                "time such as 2026-12-31T00:00:00.0Z (or leave it out)."
            ) from None
    return ShareProfile(
        endpoint=endpoint,
        bearer_token=token.strip(),
        share=share or content.get("share") or None,
        expiration_time=expires,
        origin=shown,
        token_setting=f"the {shown} (bearerToken)",
    )


def profile_from_settings(
    endpoint: str | None,
    bearer_token: str | None,
    share: str | None,
    expiration_time: str | None = None,
) -> ShareProfile:
    """Credentials from the three values Procore shows (endpoint, bearer token, share).

    Raises:
        ProfileError: naming every missing setting, or the malformed one.
    """
    missing = [
        name
        for name, value in (("endpoint", endpoint), ("bearer_token", bearer_token))
        if not value or not str(value).strip()
    ]
    if missing:
        named = " and ".join(f"{SETTINGS_SECTION}.{name}" for name in missing)
        raise ProfileError(
            f"No Procore Analytics credentials: {named} is not set. Set "
            f"{SETTINGS_SECTION}.profile in .dlt/config.toml to the .share file Procore gave "
            f"you, or endpoint and share there and bearer_token in .dlt/secrets.toml."
        )
    checked = _checked_endpoint(endpoint, f"Setting {SETTINGS_SECTION}.endpoint")
    expires = None
    if expiration_time:
        try:
            expires = parse_time(str(expiration_time))
        except ValueError:
            raise ProfileError(
                f"Setting {SETTINGS_SECTION}.expiration_time is {expiration_time!r}, not an "
                "ISO 8601 time such as 2026-12-31T00:00:00Z (or leave it out)."
            ) from None
    return ShareProfile(
        endpoint=checked,
        bearer_token=str(bearer_token).strip(),
        share=share or None,
        expiration_time=expires,
        origin=f"{SETTINGS_SECTION}.bearer_token",
        token_setting=f"{SETTINGS_SECTION}.bearer_token in .dlt/secrets.toml",
    )
