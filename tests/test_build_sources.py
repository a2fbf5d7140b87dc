"""`pcw build` builds from the sources the raw file holds, unless told which."""

import duckdb
import pytest

from pcw.arguments import build_parser
from pcw.build import loaded_sources


def _raw(path, *tables: str):
    with duckdb.connect(str(path)) as connection:
        for table in tables:
            schema, name = table.split(".")
            connection.execute(f"create schema if not exists {schema}")
            connection.execute(f"create table {schema}.{name} (id bigint)")
    return path


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        ((), "rest"),
        (("procore.rfis", "procore._dlt_loads"), "rest"),
        (("procore_analytics.rfis", "procore_analytics._dlt_loads"), "analytics"),
        (("procore.rfis", "procore_analytics.rfis"), "both"),
        (("procore._dlt_loads", "procore_analytics.rfis"), "analytics"),
    ],
    ids=["empty", "rest", "share", "both", "rest bookkeeping only"],
)
def test_the_build_reads_the_sources_the_raw_file_holds(tmp_path, tables, expected):
    assert loaded_sources(_raw(tmp_path / "raw.duckdb", *tables)) == expected


def test_a_source_to_build_from_is_one_of_three(capsys):
    assert build_parser().parse_args(["build", "--source", "both"]).source == "both"
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["run", "--source", "csv"])
    assert exit_.value.code == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err
