"""`pcw export`: the raw tables as Parquet files that Spark registers and reads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pcw.cli import main
from pcw.errors import PcwError
from pcw.java import java_major_version
from pcw.raw_parquet import TABLE_OF_CONTENTS, export_raw_parquet


def _raw_file(path: Path, schema: str = "procore") -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create schema {schema}")
        connection.execute(
            f"create table {schema}.rfis (id bigint, subject varchar, due date, "
            "created_at timestamptz, amount decimal(38, 5), change_events json)"
        )
        connection.execute(
            f"insert into {schema}.rfis values (1, 'Door swing', '2026-06-01', "
            "'2026-05-01 12:00:00+00', 12.5, '[{\"id\": 7}]'), (2, null, null, null, null, null)"
        )
        connection.execute(f"create table {schema}._dlt_loads (load_id varchar, status bigint)")
        connection.execute(f"insert into {schema}._dlt_loads values ('1', 0)")
        connection.execute(f"create table {schema}._dlt_version (version bigint)")
        connection.execute("create schema procore_staging")
        connection.execute("create table procore_staging.rfis (id bigint)")
    return path


def _read(path: Path, query: str) -> list[tuple]:
    with duckdb.connect() as connection:
        return connection.execute(query.replace("{path}", str(path))).fetchall()


def test_every_source_table_is_written_with_its_rows_and_nothing_else(tmp_path):
    raw = _raw_file(tmp_path / "raw.duckdb")
    tables = export_raw_parquet([raw], tmp_path / "export")
    assert {(table.schema, table.name, table.rows) for table in tables} == {
        ("procore", "rfis", 2),
        ("procore", "_dlt_loads", 1),
    }
    assert _read(
        tmp_path / "export", "select id, subject from '{path}/procore/rfis/*.parquet'"
    ) == [
        (1, "Door swing"),
        (2, None),
    ]


def test_json_is_written_as_text_and_every_column_has_a_spark_type(tmp_path):
    raw = _raw_file(tmp_path / "raw.duckdb")
    export_raw_parquet([raw], tmp_path / "export")
    [(change_events,)] = _read(
        tmp_path / "export",
        "select change_events from '{path}/procore/rfis/*.parquet' where id = 1",
    )
    assert change_events == '[{"id": 7}]'
    contents = dict(
        _read(
            tmp_path / "export",
            f"select table_name, columns from '{{path}}/{TABLE_OF_CONTENTS}'",
        )
    )
    assert contents["rfis"] == (
        "`id` bigint, `subject` string, `due` date, `created_at` timestamp, "
        "`amount` decimal(38,5), `change_events` string"
    )


def test_a_failed_export_leaves_the_last_good_one_in_place(tmp_path):
    raw = _raw_file(tmp_path / "raw.duckdb")
    export = tmp_path / "export"
    export_raw_parquet([raw], export)
    before = sorted(path.relative_to(export) for path in export.rglob("*"))
    with pytest.raises(PcwError, match="No raw data"):
        export_raw_parquet([raw, tmp_path / "missing.duckdb"], export)
    assert sorted(path.relative_to(export) for path in export.rglob("*")) == before
    assert not export.with_name("export.building").exists()


def test_two_raw_files_holding_the_same_schema_are_refused(tmp_path):
    first = _raw_file(tmp_path / "first.duckdb")
    second = _raw_file(tmp_path / "second.duckdb")
    with pytest.raises(PcwError, match=r"Both .* hold the raw schema procore"):
        export_raw_parquet([first, second], tmp_path / "export")


def test_a_rest_file_and_a_share_file_export_together(tmp_path):
    rest = _raw_file(tmp_path / "rest.duckdb")
    share = _raw_file(tmp_path / "share.duckdb", schema="procore_analytics")
    tables = export_raw_parquet([rest, share], tmp_path / "export")
    assert {table.schema for table in tables} == {"procore", "procore_analytics"}


def test_pcw_export_writes_where_the_spark_target_reads(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PCW_RAW_PARQUET_DIR", str(tmp_path / "for-spark"))
    _raw_file(tmp_path / "raw.duckdb")
    assert main(["export", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "procore: 2 tables, 3 rows" in out
    assert (tmp_path / "for-spark" / TABLE_OF_CONTENTS).exists()


def test_pcw_export_without_a_raw_file_says_to_load_first(tmp_path, capsys):
    assert main(["export", "--data-dir", str(tmp_path)]) == 1
    assert "run `pcw load`" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("printed", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_392"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("command not found", None),
    ],
)
def test_the_java_release_is_read_from_what_java_prints(printed, major):
    assert java_major_version(printed) == major
