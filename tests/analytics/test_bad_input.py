"""Bad credentials or settings end the load in one line and leave the raw file as it was."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from load.analytics_pipeline import run_analytics_load
from load.procore_analytics import (
    EndpointUnreachable,
    ProcoreAnalyticsError,
    ProfileError,
    TokenError,
    protocol,
)

from .conftest import CHECKS_SCHEMA, Share, file_hash

SOME_TABLE = f"{CHECKS_SCHEMA}.partitioned_costs"


@pytest.fixture(scope="module")
def data(share: Share, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw file that already holds a load, as a user's does."""
    data = tmp_path_factory.mktemp("bad-input")
    run_analytics_load(
        data / "raw.duckdb", data / "pipelines", profile=share.profile, tables=[SOME_TABLE]
    )
    return data


def _profile(share: Share, path: Path, **fields: object) -> Path:
    content = {**json.loads(share.profile.read_text()), **fields}
    path.write_text(json.dumps({k: v for k, v in content.items() if v is not None}))
    return path


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _expired_profile(share: Share, tmp: Path) -> dict:
    return {"profile": _profile(share, tmp / "x.share", expirationTime="2020-01-02T03:04:05.0Z")}


def _wrong_token(share: Share, tmp: Path) -> dict:
    return {"profile": _profile(share, tmp / "x.share", bearerToken="not-the-token")}


def _not_json(share: Share, tmp: Path) -> dict:
    path = tmp / "x.share"
    path.write_text('{"shareCredentialsVersion": 1, "endpoint": ')
    return {"profile": path}


def _no_token_field(share: Share, tmp: Path) -> dict:
    return {"profile": _profile(share, tmp / "x.share", bearerToken=None)}


def _unknown_table(share: Share, tmp: Path) -> dict:
    return {"profile": share.profile, "tables": [SOME_TABLE, "financials.no_such_table"]}


def _unknown_share(share: Share, tmp: Path) -> dict:
    server = share.server
    return {"endpoint": server.endpoint, "bearer_token": server.bearer_token, "share": "nope"}


def _unreachable(share: Share, tmp: Path) -> dict:
    endpoint = f"http://127.0.0.1:{_closed_port()}/delta-sharing"
    return {"profile": _profile(share, tmp / "x.share", endpoint=endpoint)}


CASES: dict[str, tuple[Callable[[Share, Path], dict], type[Exception], list[str]]] = {
    "an expired token (the profile says when)": (
        _expired_profile,
        TokenError,
        ["expired on 2020-01-02 03:04 UTC", "My Profile Settings", "Delta Share Token", "x.share"],
    ),
    "a wrong token": (
        _wrong_token,
        TokenError,
        ["refused the bearer token", "HTTP 401", "Generate Tokens", "bearerToken"],
    ),
    "a profile that is not JSON": (
        _not_json,
        ProfileError,
        ["x.share is not valid JSON (line 1, column"],
    ),
    "a profile without its token": (
        _no_token_field,
        ProfileError,
        ["Field bearerToken of the profile file", "x.share"],
    ),
    "an unknown table": (
        _unknown_table,
        ProcoreAnalyticsError,
        ["financials.no_such_table", "pcw load analytics --list"],
    ),
    "a share the token cannot read": (
        _unknown_share,
        ProcoreAnalyticsError,
        ["Share nope does not exist", "(it can read: procore_analytics)", "share."],
    ),
    "an unreachable endpoint": (
        _unreachable,
        EndpointUnreachable,
        ["Cannot reach the Procore Analytics endpoint http://127.0.0.1:", "Connection refused"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_ends_in_one_line_and_leaves_the_raw_file_byte_for_byte(
    share, data, tmp_path, case, monkeypatch
):
    monkeypatch.setattr(protocol, "BACKOFF_SECONDS", 0.01)  # an unreachable host fails fast
    make, kind, words = CASES[case]
    raw, pipelines = data / "raw.duckdb", data / "pipelines"
    before = file_hash(raw)
    with pytest.raises(kind) as failure:
        run_analytics_load(raw, pipelines, **make(share, tmp_path))
    message = str(failure.value)
    assert "\n" not in message
    for word in words:
        assert word in message
    assert share.server.bearer_token not in message
    assert file_hash(raw) == before
    # A failed first load leaves no raw file behind either.
    with pytest.raises(kind):
        run_analytics_load(tmp_path / "new.duckdb", tmp_path / "pipelines", **make(share, tmp_path))
    assert not (tmp_path / "new.duckdb").exists()


def test_a_token_the_server_says_has_expired_is_named_expired_with_the_fix(share, data, tmp_path):
    path = _profile(share, tmp_path / "x.share")  # the profile says nothing of an expiry
    before = file_hash(data / "raw.duckdb")
    share.server.token_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    try:
        with pytest.raises(TokenError) as failure:
            run_analytics_load(data / "raw.duckdb", data / "pipelines", profile=path)
    finally:
        share.server.token_expires_at = None
    assert "says the token of" in str(failure.value)
    assert "has expired (HTTP 401" in str(failure.value)
    assert "Generate Tokens" in str(failure.value)
    assert file_hash(data / "raw.duckdb") == before
