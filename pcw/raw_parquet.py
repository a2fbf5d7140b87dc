"""The raw DuckDB file as Parquet files, for engines that cannot read DuckDB (Spark).

One folder per table, ``<dir>/<schema>/<table>/``, holding one Parquet file, and a table of
contents ``<dir>/tables.parquet`` (``table_schema``, ``table_name``, ``location`` and the
table's ``columns`` in Spark's DDL) that the dbt project's Spark target reads to register
each folder as a table (the macro ``register_raw_parquet``); with the columns given, Spark
registers a table without reading its files. Only the schemas of the sources the dbt project
reads are written: dlt's staging datasets and state tables are the loader's business.
docs/spark.md says how the files are used.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .errors import PcwError

# The raw schemas the dbt project's sources read: the REST loader's and the share loader's.
SOURCE_SCHEMAS = ("procore", "procore_analytics")
# Of dlt's bookkeeping tables, the one a source's freshness is measured by.
KEPT_DLT_TABLES = ("_dlt_loads",)
TABLE_OF_CONTENTS = "tables.parquet"

# DuckDB types that Parquet readers other than DuckDB's do not all know, written as a type
# every reader does. JSON stays text, as the dbt project reads it on every engine.
PORTABLE_TYPES = {"JSON": "VARCHAR", "UUID": "VARCHAR", "HUGEINT": "DECIMAL(38, 0)"}

# Spark's name of each DuckDB type the export writes, as Spark reads it back from Parquet. A
# table with a column of any other type is registered without its columns: Spark then reads
# them from the files.
SPARK_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "UUID": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "TINYINT": "tinyint",
    "BOOLEAN": "boolean",
    "DOUBLE": "double",
    "FLOAT": "float",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "HUGEINT": "decimal(38,0)",
}


@dataclass(frozen=True)
class ExportedTable:
    """One raw table written as Parquet."""

    schema: str
    name: str
    rows: int
    location: Path
    # The columns in Spark's DDL (`` `id` bigint, `name` string``), or None when a column's
    # type has no sure Spark name.
    spark_columns: str | None


def export_raw_parquet(raw_files: Sequence[Path], target: Path) -> list[ExportedTable]:
    """Write every source table of the raw files as Parquet under ``target``.

    The files are written to a scratch folder beside ``target`` that replaces it only when
    every table was written: a failed export leaves the last good one in place.

    Args:
        raw_files: Raw DuckDB files (the REST load's, the share load's, or one holding both).
            A schema found in two files is an error: which one to export would be a guess.
        target: The folder to (re)write.

    Returns:
        The tables written, by schema and name.

    Raises:
        PcwError: when a raw file is missing or cannot be read, or two hold the same schema.
    """
    target = target.resolve()
    scratch = target.with_name(target.name + ".building")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    exported: list[ExportedTable] = []
    seen: dict[str, Path] = {}
    try:
        for raw in raw_files:
            exported += _export_file(raw, scratch, target, seen)
        _write_table_of_contents(exported, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    _swap(scratch, target)
    return exported


def _export_file(
    raw: Path, scratch: Path, target: Path, seen: dict[str, Path]
) -> list[ExportedTable]:
    if not raw.exists():
        raise PcwError(f"No raw data at {raw}: run `pcw load` (or `pcw demo`) first.")
    try:
        connection = duckdb.connect(str(raw), read_only=True)
    except duckdb.Error as error:
        reason = (str(error).splitlines() or [""])[0]
        raise PcwError(
            f"Cannot read the raw file {raw} ({reason}): a load is probably writing it. "
            "Export when it has finished."
        ) from None
    exported = []
    with connection:
        for schema, table in _source_tables(connection):
            if seen.setdefault(schema, raw) != raw:
                raise PcwError(
                    f"Both {seen[schema]} and {raw} hold the raw schema {schema}: export "
                    "one of them."
                )
            folder = scratch / schema / table
            folder.mkdir(parents=True)
            columns = _columns(connection, schema, table)
            relation = f"{_identifier(schema)}.{_identifier(table)}"
            connection.execute(
                f"copy (select {_portable_select(columns)} from {relation}) "
                f"to '{_literal(folder / 'data.parquet')}' (format parquet, compression zstd)"
            )
            (rows,) = connection.execute(f"select count(*) from {relation}").fetchone() or (0,)
            exported.append(
                ExportedTable(schema, table, rows, target / schema / table, _spark_columns(columns))
            )
    return exported


def _source_tables(connection: duckdb.DuckDBPyConnection) -> Iterable[tuple[str, str]]:
    names: list[tuple[str, str]] = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' "
        "order by all",
        [list(SOURCE_SCHEMAS)],
    ).fetchall()
    return [
        (schema, table)
        for schema, table in names
        if not table.startswith("_dlt_") or table in KEPT_DLT_TABLES
    ]


def _columns(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> list[tuple[str, str]]:
    columns: list[tuple[str, str]] = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return columns


def _portable_select(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(
        f"cast({_identifier(name)} as {PORTABLE_TYPES[kind]}) as {_identifier(name)}"
        if kind in PORTABLE_TYPES
        else _identifier(name)
        for name, kind in columns
    )


def _spark_columns(columns: Sequence[tuple[str, str]]) -> str | None:
    spark_types = []
    for _, kind in columns:
        decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", kind)
        spark_type = f"decimal({decimal[1]},{decimal[2]})" if decimal else SPARK_TYPES.get(kind)
        if spark_type is None:
            return None
        spark_types.append(spark_type)
    return ", ".join(
        f"`{name.replace('`', '``')}` {spark_type}"
        for (name, _), spark_type in zip(columns, spark_types, strict=True)
    )


def _write_table_of_contents(exported: Sequence[ExportedTable], scratch: Path) -> None:
    with duckdb.connect(":memory:") as connection:
        connection.execute(
            "create table tables (table_schema varchar, table_name varchar, location varchar, "
            "columns varchar)"
        )
        connection.executemany(
            "insert into tables values (?, ?, ?, ?)",
            [
                (table.schema, table.name, str(table.location), table.spark_columns)
                for table in exported
            ],
        )
        connection.execute(
            f"copy tables to '{_literal(scratch / TABLE_OF_CONTENTS)}' (format parquet)"
        )


def _swap(scratch: Path, target: Path) -> None:
    retired = target.with_name(target.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        os.replace(target, retired)
    os.replace(scratch, target)
    shutil.rmtree(retired, ignore_errors=True)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
