"""`pcw load analytics`: list the share's tables, load them, and fail in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from deltalake import DeltaTable

from pcw.arguments import build_parser
from pcw.paths import PROJECT_ROOT

from .conftest import RawReader, Share

PCW = [sys.executable, "-m", "pcw.cli"]


def _pcw(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "PCW_"))}
    env.update(NO_PROXY="127.0.0.1,localhost", RUNTIME__DLTHUB_TELEMETRY="false")
    return subprocess.run(
        [*PCW, *argv],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_load_without_a_source_and_load_rest_both_load_the_rest_api():
    assert build_parser().parse_args(["load"]).source == "rest"
    assert build_parser().parse_args(["load", "rest"]).source == "rest"
    parsed = build_parser().parse_args(["load", "analytics", "--list", "--profile", "x.share"])
    assert (parsed.source, parsed.list_tables, parsed.profile) == (
        "analytics",
        True,
        Path("x.share"),
    )


def test_list_prints_every_table_with_its_version_and_change_data_feed_and_loads_nothing(
    share: Share, tmp_path
):
    result = _pcw(
        "load", "analytics", "--list", "--profile", str(share.profile), "--data-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    tables = share.delta_tables()
    assert lines[-1] == f"{len(tables)} tables in procore_analytics"
    for name, path in tables.items():
        delta = DeltaTable(path)
        feed = delta.metadata().configuration.get("delta.enableChangeDataFeed") == "true"
        expected = (
            f"{name}  version {delta.version()}  change data feed {'on' if feed else 'off'}  "
            f"-> raw table procore_analytics.{name.split('.')[1]}"
        )
        assert expected in lines
    assert not any(tmp_path.iterdir())


def test_load_analytics_loads_the_share_then_finds_nothing_new(share: Share, tmp_path):
    first = _pcw("load", "analytics", "--profile", str(share.profile), "--data-dir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Loaded ")
    assert f"{len(share.delta_tables())} tables checked, 0 unchanged" in first.stdout
    with RawReader(tmp_path / "raw.duckdb") as raw:
        assert raw.tables() == {name.split(".")[1] for name in share.delta_tables()}
    again = _pcw("load", "analytics", "--profile", str(share.profile), "--data-dir", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Loaded nothing new into ")
    assert "Traceback" not in first.stderr + again.stderr


def test_a_wrong_token_is_one_line_on_stderr_and_exit_code_1(share: Share, tmp_path):
    profile = tmp_path / "wrong.share"
    profile.write_text(json.dumps({**json.loads(share.profile.read_text()), "bearerToken": "nope"}))
    result = _pcw("load", "analytics", "--profile", str(profile), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("pcw: error: The Procore Analytics sharing server refused the bearer")
    assert result.stdout == ""
    assert not (tmp_path / "d" / "raw.duckdb").exists()


def test_the_analytics_options_are_refused_for_the_rest_api(tmp_path):
    result = _pcw("load", "--list", "--profile", "x.share", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "pcw: error: --list and --profile are options of `pcw load analytics`."
    )


def test_endpoint_token_and_share_settings_stand_in_for_a_profile_file(
    share: Share, tmp_path, monkeypatch
):
    from load.analytics_pipeline import list_share

    monkeypatch.setenv("SOURCES__PROCORE_ANALYTICS__ENDPOINT", share.server.endpoint + "/")
    monkeypatch.setenv("SOURCES__PROCORE_ANALYTICS__BEARER_TOKEN", share.server.bearer_token)
    monkeypatch.setenv("SOURCES__PROCORE_ANALYTICS__SHARE", "procore_analytics")
    monkeypatch.setenv("SOURCES__PROCORE_ANALYTICS__TABLES", '["loader_checks.empty_amounts"]')
    (listed,) = list_share()
    assert (listed.table.qualified, listed.raw_table) == (
        "loader_checks.empty_amounts",
        "empty_amounts",
    )
