"""Columns Procore adds arrive as new raw columns; removed and retyped ones are reported by
name, in a warning and in the load report, and a retyped column takes its new type."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from deltalake import write_deltalake

from load.analytics_pipeline import AnalyticsLoadSummary, run_analytics_load

from .conftest import CHECKS_SCHEMA, RawReader, Share

TABLE = f"{CHECKS_SCHEMA}.drifting"


@pytest.fixture(scope="module")
def drifted(share: Share, tmp_path_factory) -> tuple[Path, AnalyticsLoadSummary]:
    path = share.tables_root / CHECKS_SCHEMA / "drifting"
    before = pa.table(
        {
            "drifting_id": pa.array([1, 2, 3], pa.int64()),
            "amount": pa.array([Decimal("1.10"), Decimal("2.25"), None], pa.decimal128(19, 2)),
            "note": ["x", "y", "z"],
            "quantity": pa.array([1, 2, 3], pa.int32()),
        }
    )
    write_deltalake(path, before, configuration={"delta.enableChangeDataFeed": "true"})
    data = tmp_path_factory.mktemp("drift")
    raw = data / "raw.duckdb"
    run_analytics_load(raw, data / "pipelines", profile=share.profile, tables=[TABLE])
    after = pa.table(
        {
            "drifting_id": pa.array([1, 2, 3, 4], pa.int64()),
            "amount": pa.array(
                [Decimal("1.12345"), Decimal("2.25"), None, Decimal("-0.00001")],
                pa.decimal128(38, 5),
            ),
            "quantity": pa.array([1, 2, 3, 4], pa.int32()),
            "added_at": pa.array([None, None, None, 0], pa.timestamp("us", tz="UTC")),
        }
    )
    # Procore replaces a table under a new schema: one new version, every row rewritten.
    write_deltalake(path, after, mode="overwrite", schema_mode="overwrite")
    return raw, run_analytics_load(raw, data / "pipelines", profile=share.profile, tables=[TABLE])


def test_each_added_removed_or_retyped_column_is_a_warning_naming_it(drifted):
    _, summary = drifted
    warnings = summary.run.warnings
    assert len(warnings) == 3
    assert any("column added_at of loader_checks.drifting is new" in line for line in warnings)
    assert any(
        "column note of loader_checks.drifting is no longer shared" in line for line in warnings
    )
    assert any(
        "column amount of loader_checks.drifting changed type from decimal(19,2) to "
        "decimal(38,5)" in line
        for line in warnings
    )


def test_the_load_report_has_a_row_per_changed_column(drifted):
    raw, _ = drifted
    with duckdb.connect(str(raw), read_only=True) as connection:
        rows = connection.execute(
            "select kind, column_name, old_type, new_type from procore_analytics.pcw_load_report "
            "where kind like 'column %' order by column_name"
        ).fetchall()
    assert rows == [
        ("column added", "added_at", None, "timestamp"),
        ("column retyped", "amount", "decimal(19,2)", "decimal(38,5)"),
        ("column removed", "note", "string", None),
    ]


def test_a_retyped_column_takes_its_new_type_without_rounding_a_value(drifted):
    raw, summary = drifted
    with RawReader(raw) as reader:
        types = reader.types("drifting")
        rows = reader.rows("drifting", ["drifting_id", "amount", "note", "added_at"]).to_pylist()
    assert types["amount"] == "DECIMAL(38,5)"
    assert types["added_at"] == "TIMESTAMP WITH TIME ZONE"
    by_id = {row["drifting_id"]: row for row in rows}
    assert by_id[1]["amount"] == Decimal("1.12345")
    assert by_id[4]["amount"] == Decimal("-0.00001")
    # The removed column stays, empty in the rows loaded since.
    assert {row["note"] for row in rows} == {None}
    (table,) = summary.run.tables
    assert (table.how, table.reason) == ("replaced", "schema changed")
