"""Later loads read only what moved: nothing for an unchanged table, the change data feed of
a table that shares it, the whole table otherwise; and the result equals a fresh full load."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from load.analytics_pipeline import AnalyticsLoadSummary, run_analytics_load
from sandbox import advance
from sandbox.share.tables import sync_share

from .conftest import RawReader, Share, as_rows, delta_rows


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("incremental")


@pytest.fixture(scope="module")
def first(share: Share, data: Path) -> AnalyticsLoadSummary:
    return run_analytics_load(data / "raw.duckdb", data / "pipelines", profile=share.profile)


@pytest.fixture(scope="module")
def unchanged(share: Share, data: Path, first: AnalyticsLoadSummary) -> list[str]:
    """The requests a second run made, with nothing changed in between."""
    share.server.calls.clear()
    summary = run_analytics_load(data / "raw.duckdb", data / "pipelines", profile=share.profile)
    assert summary.rows_loaded == {}
    return share.server.kinds()


@pytest.fixture(scope="module")
def versions_before(share: Share, unchanged: list[str]) -> dict[str, int]:
    from deltalake import DeltaTable

    return {name: DeltaTable(path).version() for name, path in share.delta_tables().items()}


@pytest.fixture(scope="module")
def advanced(
    share: Share, data: Path, versions_before: dict[str, int]
) -> tuple[AnalyticsLoadSummary, list[tuple[str, str, int]], dict[str, dict[str, int]]]:
    """Three days later on the sandbox (both doors), then a load of what changed.

    Also returns what the sandbox changed per table (inserted, updated, deleted rows).
    """
    advance(share.company, 3)
    synced = sync_share(share.company, share.tables_root)
    share.server.calls.clear()
    summary = run_analytics_load(data / "raw.duckdb", data / "pipelines", profile=share.profile)
    by_table = {name.rsplit(".", 1)[-1]: counts for name, counts in synced.items()}
    return summary, share.server.calls[:], by_table


@pytest.fixture(scope="module")
def fresh(share: Share, advanced, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full load of the share as it is after the advance, into a new raw file."""
    other = tmp_path_factory.mktemp("fresh")
    run_analytics_load(other / "raw.duckdb", other / "pipelines", profile=share.profile)
    return other / "raw.duckdb"


def test_a_run_with_nothing_changed_asks_each_table_for_its_version_and_nothing_else(
    share, unchanged
):
    tables = len(share.delta_tables())
    assert unchanged.count("version") == tables
    assert set(unchanged) == {"list", "version"}
    assert unchanged.count("list") <= 2  # shares/all-tables, or the share's tables page


def test_after_the_company_moves_on_every_raw_table_equals_a_fresh_full_load(
    share, data, advanced, fresh
):
    with RawReader(data / "raw.duckdb") as raw, RawReader(fresh) as full:
        assert raw.tables() == full.tables()
        for name, path in share.delta_tables().items():
            table = name.split(".")[1]
            expected = delta_rows(path)
            columns = expected.column_names
            loaded = as_rows(raw.rows(table, columns), columns)
            assert loaded == as_rows(full.rows(table, columns), columns), name
            assert loaded == as_rows(expected, columns), name


def test_tables_with_a_change_data_feed_are_merged_and_the_other_changed_ones_replaced(
    share, versions_before, advanced
):
    from deltalake import DeltaTable

    summary, calls, _ = advanced
    how = {table.table: table.how for table in summary.run.tables}
    merged = 0
    for name, path in share.delta_tables().items():
        delta = DeltaTable(path)
        moved = delta.version() != versions_before[name]
        feed = delta.metadata().configuration.get("delta.enableChangeDataFeed") == "true"
        expected = "unchanged" if not moved else "merged" if feed else "replaced"
        assert how[name] == expected, name
        merged += expected == "merged"
    assert merged, "the advance changed a table that shares its change data feed"
    changes = [path for method, path, _ in calls if path.endswith("/changes")]
    queries = [path for method, path, _ in calls if path.endswith("/query")]
    assert len(changes) == merged
    assert len(queries) == sum(value == "replaced" for value in how.values())


def test_a_merge_deletes_the_rows_procore_deleted_and_keeps_the_rest(share, data, advanced):
    summary, _, synced = advanced
    merged = [table for table in summary.run.tables if table.how == "merged"]
    # The merges to check include deletions and updates, not only inserts.
    assert any(synced[table.raw_table]["deleted"] for table in merged)
    assert any(synced[table.raw_table]["updated"] for table in merged)
    with duckdb.connect(str(data / "raw.duckdb"), read_only=True) as connection:
        for table in merged:
            stored = connection.execute(
                f'select count(*) from procore_analytics."{table.raw_table}"'
            ).fetchone()[0]
            path = share.delta_tables()[table.table]
            assert stored == delta_rows(path).num_rows, table.table
            # The delete flag never reaches the raw table: deleted keys are removed instead.
            flagged = connection.execute(
                f'select count(*) from procore_analytics."{table.raw_table}" '
                "where _delta_deleted is not null"
            ).fetchone()[0]
            assert flagged == 0, table.table


def test_every_run_is_in_the_load_report(data, advanced):
    with duckdb.connect(str(data / "raw.duckdb"), read_only=True) as connection:
        kinds = connection.execute(
            "select kind, count(*) from procore_analytics.pcw_load_report group by kind"
        ).fetchall()
    counts = dict(kinds)
    assert counts["summary"] == 3
    assert counts.get("merged", 0) >= 1
