"""Data files kept as downloaded are inserted by DuckDB from a manifest, with constant columns."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from load.procore_analytics.snapshot_files import (
    MANIFEST_FORMAT,
    KeptFile,
    SnapshotFiles,
    duckdb_destination,
    kept_rows,
    read_manifest,
    write_manifest,
)

RAW_SCHEMA = pa.schema(
    [
        pa.field("cost_id", pa.int64()),
        pa.field("project_id", pa.int64()),
        pa.field("region", pa.string()),
        pa.field("memo", pa.string()),
        pa.field("_delta_version", pa.int64()),
    ]
)


def _data_file(path: Path, ids: list[int], memos: list[str | None]) -> str:
    """A data file as Delta writes it: without its partition columns."""
    pq.write_table(pa.table({"cost_id": pa.array(ids, pa.int64()), "memo": memos}), path)
    return str(path)


def _snapshot(tmp_path: Path) -> SnapshotFiles:
    return SnapshotFiles(
        files=[
            KeptFile(
                _data_file(tmp_path / "a.parquet", [1, 2], ["x", None]),
                {"project_id": 10, "region": "it's north"},
            ),
            KeptFile(
                _data_file(tmp_path / "b.parquet", [3], ["y"]),
                {"project_id": 10, "region": "it's north"},
            ),
            KeptFile(
                _data_file(tmp_path / "c.parquet", [4], ["z"]),
                {"project_id": None, "region": "a/b=c d"},
            ),
        ],
        version=7,
        version_column="_delta_version",
    )


def test_a_manifest_names_its_files_their_partition_values_and_the_version(tmp_path):
    snapshot = _snapshot(tmp_path)
    manifest = write_manifest(tmp_path / f"costs.{MANIFEST_FORMAT}", snapshot)
    assert read_manifest(manifest) == snapshot
    assert read_manifest(tmp_path / "a.parquet") is None
    (tmp_path / f"other.{MANIFEST_FORMAT}").write_text('{"cost_id": 1}\n')
    assert read_manifest(tmp_path / f"other.{MANIFEST_FORMAT}") is None


def test_the_destination_inserts_every_file_with_its_partition_values_and_the_version(tmp_path):
    snapshot = _snapshot(tmp_path)
    manifest = write_manifest(tmp_path / f"costs.{MANIFEST_FORMAT}", snapshot)

    @dlt.resource(name="costs", write_disposition="replace")
    def costs():
        yield dlt.mark.with_file_import(
            str(manifest), MANIFEST_FORMAT, 4, hints=RAW_SCHEMA.empty_table()
        )

    connection = duckdb.connect(str(tmp_path / "raw.duckdb"))
    try:
        pipeline = dlt.pipeline(
            pipeline_name="snapshot_files_check",
            destination=duckdb_destination(connection),
            dataset_name="checks",
            pipelines_dir=str(tmp_path / "pipelines"),
        )
        pipeline.run(costs(), loader_file_format="parquet")
        rows = connection.execute(
            "select cost_id, project_id, region, memo, _delta_version from checks.costs "
            "order by cost_id"
        ).fetchall()
    finally:
        connection.close()
    assert rows == [
        (1, 10, "it's north", "x", 7),
        (2, 10, "it's north", None, 7),
        (3, 10, "it's north", "y", 7),
        (4, None, "a/b=c d", "z", 7),
    ]


def test_a_file_is_kept_only_with_exactly_the_raw_columns_and_types_but_its_partitions(tmp_path):
    schema = RAW_SCHEMA.remove(RAW_SCHEMA.get_field_index("_delta_version"))
    path = Path(_data_file(tmp_path / "a.parquet", [1], ["x"]))
    assert kept_rows(path, schema, {"project_id", "region"}) == 1
    assert kept_rows(path, schema, {"project_id"}) is None
    retyped = pa.schema(
        [field.with_type(pa.int32()) if field.name == "cost_id" else field for field in schema]
    )
    assert kept_rows(path, retyped, {"project_id", "region"}) is None
