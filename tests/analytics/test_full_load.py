"""A first load brings every table the share lists into the raw dataset, exactly and typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from load.analytics_pipeline import PIPELINE_NAME, AnalyticsLoadSummary, run_analytics_load
from load.procore_analytics.snapshot_files import SNAPSHOT_FILES_DIR, read_manifest

from .conftest import (
    CHECKS_SCHEMA,
    RawReader,
    Share,
    as_rows,
    delta_rows,
    delta_types,
    raw_rows,
    raw_tables,
    raw_types,
)

# The DuckDB type each Delta type must arrive as.
DUCKDB_TYPES = {
    "long": "BIGINT",
    "integer": "INTEGER",
    "short": "SMALLINT",
    "byte": "TINYINT",
    "double": "DOUBLE",
    "float": "DOUBLE",
    "boolean": "BOOLEAN",
    "string": "VARCHAR",
    "binary": "BLOB",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "timestamp_ntz": "TIMESTAMP WITH TIME ZONE",
}


def _duckdb_type(delta_type: str) -> str:
    decimal = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", delta_type)
    if decimal:
        return f"DECIMAL({decimal.group(1)},{decimal.group(2)})"
    return DUCKDB_TYPES[delta_type]


# What the progress display was told: (raw table, files read, files to read, rows read).
PROGRESS: list[tuple[str, int, int, int]] = []


@pytest.fixture(scope="module")
def loaded(
    share: Share, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, AnalyticsLoadSummary]:
    data = tmp_path_factory.mktemp("full-load")
    raw = data / "raw.duckdb"
    summary = run_analytics_load(
        raw,
        data / "pipelines",
        profile=share.profile,
        progress=lambda *counts: PROGRESS.append(counts),
    )
    return raw, summary


def test_every_table_the_share_lists_becomes_a_raw_table_of_its_name(share, loaded):
    raw, summary = loaded
    shared = share.delta_tables()
    assert len(shared) > 2
    assert raw_tables(raw) == {name.split(".")[1] for name in shared}
    assert {table.table for table in summary.run.tables} == set(shared)
    assert {table.how for table in summary.run.tables} == {"replaced"}


def test_every_raw_table_holds_exactly_the_rows_of_its_delta_table(share, loaded):
    raw, _ = loaded
    with RawReader(raw) as reader:
        for name, path in share.delta_tables().items():
            expected = delta_rows(path)
            columns = expected.column_names
            got = reader.rows(name.split(".")[1], columns)
            assert got.num_rows == expected.num_rows, name
            assert as_rows(got, columns) == as_rows(expected, columns), name


def test_every_raw_column_has_the_type_of_its_delta_column(share, loaded):
    raw, _ = loaded
    decimals = 0
    with RawReader(raw) as reader:
        for name, path in share.delta_tables().items():
            types = reader.types(name.split(".")[1])
            for column, delta_type in delta_types(path).items():
                assert types[column] == _duckdb_type(delta_type), f"{name}.{column} ({delta_type})"
                decimals += delta_type.startswith("decimal")
            assert types["_delta_version"] == "BIGINT"
    assert decimals, "the share has decimal columns"


def test_an_empty_table_arrives_empty_with_every_column_typed(loaded):
    raw, _ = loaded
    assert raw_rows(raw, "empty_amounts", ["empty_amount_id"]).num_rows == 0
    types = raw_types(raw, "empty_amounts")
    assert types["amount"] == "DECIMAL(38,5)"
    assert types["amount_project_currency"] == "DECIMAL(19,2)"
    assert types["booked_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["booked_on"] == "DATE"


def test_partition_values_arrive_as_typed_columns_of_their_rows(share, loaded):
    raw, _ = loaded
    path = share.delta_tables()[f"{CHECKS_SCHEMA}.partitioned_costs"]
    columns = ["partitioned_cost_id", "project_id", "cost_date", "memo"]
    got = as_rows(raw_rows(raw, "partitioned_costs", columns), columns)
    assert got == as_rows(delta_rows(path), columns)
    assert (5, 30, got[-1][2], "e/f=g h") == got[-1]
    assert raw_types(raw, "partitioned_costs")["project_id"] == "BIGINT"


def test_files_with_the_raw_columns_are_loaded_as_downloaded_and_removed_after(share, loaded):
    raw, summary = loaded
    pipelines = raw.parent / "pipelines" / PIPELINE_NAME
    as_downloaded = set()
    for job in pipelines.glob("load/loaded/*/completed_jobs/*"):
        manifest = read_manifest(job)
        if manifest is not None and manifest.files:
            as_downloaded.add(job.name.split(".")[0])
            assert all(Path(kept.path).is_absolute() for kept in manifest.files)
    non_empty = {table.raw_table for table in summary.run.tables if table.rows}
    # A date partition column is parsed by the loader: that table's files are rewritten.
    assert as_downloaded == non_empty - {"partitioned_costs"}
    assert "direct_cost_line_items" in as_downloaded  # partitioned by an integer column
    assert not (pipelines / SNAPSHOT_FILES_DIR).exists()


def test_each_row_carries_the_table_version_it_was_read_at(share, loaded):
    raw, summary = loaded
    versions = {table.raw_table: table.version for table in summary.run.tables}
    with RawReader(raw) as reader:
        for table, version in versions.items():
            stored = reader.rows(table, ["_delta_version"]).column(0).to_pylist()
            assert set(stored) <= {version}, table


def test_the_progress_display_is_told_every_file_of_every_table_and_its_rows(loaded):
    _, summary = loaded
    last = {raw: (files, planned, rows) for raw, files, planned, rows in PROGRESS}
    assert set(last) == {table.raw_table for table in summary.run.tables}
    for raw, (files, planned, rows) in last.items():
        assert files == planned, raw
        assert rows == next(table.rows for table in summary.run.tables if table.raw_table == raw)
    assert any(planned > 1 for _, (_, planned, _) in last.items())
    files_read = [files for raw, files, _, _ in PROGRESS if raw == PROGRESS[0][0]]
    assert files_read == sorted(files_read) and files_read[0] == 0
