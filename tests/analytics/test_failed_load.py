"""A replace that fails while it is written into the raw file leaves the previous copy."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from deltalake import write_deltalake
from dlt.pipeline.exceptions import PipelineStepFailed

from load.analytics_pipeline import PIPELINE_NAME, run_analytics_load
from load.procore_analytics.snapshot_files import SNAPSHOT_FILES_DIR

from .conftest import CHECKS_SCHEMA, RawReader, Share, delta_rows

TABLE = f"{CHECKS_SCHEMA}.partitioned_costs"


def test_a_replace_that_fails_in_the_raw_file_keeps_every_row_of_the_previous_load(
    share: Share, tmp_path
):
    raw = tmp_path / "raw.duckdb"
    run_analytics_load(raw, tmp_path / "pipelines", profile=share.profile, tables=[TABLE])
    with RawReader(raw) as reader:
        before = reader.rows("partitioned_costs", ["partitioned_cost_id", "memo"]).to_pylist()
    # The raw table now refuses a null id, which the next version of the table has: the
    # rows reach dlt's staging table, and copying them into the raw table fails.
    with duckdb.connect(str(raw)) as connection:
        connection.execute(
            "alter table procore_analytics.partitioned_costs "
            "alter column partitioned_cost_id set not null"
        )
    extra = pa.table(
        {
            "partitioned_cost_id": pa.array([None], pa.int64()),
            "project_id": pa.array([10], pa.int64()),
            "memo": pa.array(["new"], pa.string()),
        }
    )
    write_deltalake(
        share.tables_root / CHECKS_SCHEMA / "partitioned_costs",
        extra,
        mode="append",
        schema_mode="merge",
    )
    with pytest.raises(PipelineStepFailed):
        run_analytics_load(raw, tmp_path / "pipelines", profile=share.profile, tables=[TABLE])
    with RawReader(raw) as reader:
        after = reader.rows("partitioned_costs", ["partitioned_cost_id", "memo"]).to_pylist()
    assert sorted(after, key=repr) == sorted(before, key=repr)
    assert len(after) == 5


def test_a_replace_that_failed_is_loaded_by_the_next_run_from_the_files_it_kept(
    share: Share, tmp_path
):
    table = "core.vendors"
    raw, pipelines = tmp_path / "raw.duckdb", tmp_path / "pipelines"
    kept = pipelines / PIPELINE_NAME / SNAPSHOT_FILES_DIR
    run_analytics_load(raw, pipelines, profile=share.profile, tables=[table])
    assert not kept.exists()
    path = share.delta_tables()[table]
    rows = delta_rows(path)
    # A vendor without a name: the raw column now refuses one, so the replace fails.
    first = rows.slice(0, 1).to_pylist()[0]
    nameless = {**first, "vendor_id": max(rows.column("vendor_id").to_pylist()) + 1, "name": None}
    with duckdb.connect(str(raw)) as connection:
        connection.execute("alter table procore_analytics.vendors alter column name set not null")
    write_deltalake(path, pa.Table.from_pylist([nameless], schema=rows.schema), mode="append")
    with pytest.raises(PipelineStepFailed):
        run_analytics_load(raw, pipelines, profile=share.profile, tables=[table])
    with RawReader(raw) as reader:
        assert reader.rows("vendors", ["vendor_id"]).num_rows == rows.num_rows
    # The failed load waits, with the data files it names, for the next run.
    assert any(kept.rglob("*.parquet"))
    with duckdb.connect(str(raw)) as connection:
        connection.execute("alter table procore_analytics.vendors alter column name drop not null")
    run_analytics_load(raw, pipelines, profile=share.profile, tables=[table])
    with RawReader(raw) as reader:
        loaded = reader.rows("vendors", ["vendor_id", "name"]).to_pylist()
    assert len(loaded) == rows.num_rows + 1
    assert {"vendor_id": nameless["vendor_id"], "name": None} in loaded
    assert not kept.exists()
