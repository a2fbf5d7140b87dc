"""A presigned file URL that expires in the middle of a load is renewed, and the load goes on."""

from __future__ import annotations

import pytest

from load.analytics_pipeline import run_analytics_load
from load.procore_analytics import files

from .conftest import CHECKS_SCHEMA, RawReader, Share, as_rows, delta_rows

TABLE = f"{CHECKS_SCHEMA}.partitioned_costs"


def test_a_file_url_that_expired_before_its_download_is_renewed_and_every_row_arrives(
    share: Share, tmp_path, monkeypatch
):
    # URLs live 2 s and the first file is reached 2.5 s after its query: its URL is refused
    # (403) as expired. The loader's renewal ahead of expiry is turned off, so the 403 path runs.
    monkeypatch.setattr(files, "URL_RENEWAL_MARGIN_SECONDS", 0)
    share.server.url_ttl_seconds = 2
    share.server.stall_first_file_seconds = 2.5
    share.server.calls.clear()
    try:
        summary = run_analytics_load(
            tmp_path / "raw.duckdb", tmp_path / "pipelines", profile=share.profile, tables=[TABLE]
        )
    finally:
        share.server.url_ttl_seconds = 3600
        share.server.stall_first_file_seconds = None
    refused = [path for _, path, status in share.server.calls if status == 403]
    assert len(refused) >= 1 and refused[0].startswith("/files/")
    assert summary.stats.url_renewals >= 1
    queries = [path for _, path, _ in share.server.calls if path.endswith("/query")]
    assert len(queries) == 1 + summary.stats.url_renewals
    expected = delta_rows(share.delta_tables()[TABLE])
    with RawReader(tmp_path / "raw.duckdb") as raw:
        got = raw.rows("partitioned_costs", expected.column_names)
    assert as_rows(got, expected.column_names) == as_rows(expected, expected.column_names)


def test_a_url_that_stays_refused_ends_the_load_in_one_line(share: Share, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "URL_RENEWAL_MARGIN_SECONDS", 0)
    share.server.url_ttl_seconds = -10  # every URL handed out is already expired
    try:
        with pytest.raises(files.ProcoreAnalyticsError) as failure:
            run_analytics_load(
                tmp_path / "raw.duckdb",
                tmp_path / "pipelines",
                profile=share.profile,
                tables=[TABLE],
            )
    finally:
        share.server.url_ttl_seconds = 3600
    assert "\n" not in str(failure.value)
    assert "still refused after 3 fresh URLs" in str(failure.value)
    assert not (tmp_path / "raw.duckdb").exists()
