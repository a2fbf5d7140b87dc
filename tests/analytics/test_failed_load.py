"""A replace that fails while it is written into the raw file leaves the previous copy."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from deltalake import write_deltalake
from dlt.pipeline.exceptions import PipelineStepFailed

from load.analytics_pipeline import run_analytics_load

from .conftest import CHECKS_SCHEMA, RawReader, Share

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
