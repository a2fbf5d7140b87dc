"""Whether two warehouses' marts say the same thing, table by table and row for row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"

# Mart columns the Procore Analytics share does not publish: empty on the rows built from
# the share (docs/procore-analytics.md, "Marts from either source").
NOT_IN_THE_SHARE: dict[str, tuple[str, ...]] = {"fct_change_orders": ("revision",)}


@dataclass(frozen=True)
class MartComparison:
    """One mart in two warehouses: its rows in each, and the rows only one of them holds."""

    mart: str
    rows: int
    other_rows: int
    only_here: int
    only_there: int

    @property
    def equal(self) -> bool:
        """The same rows, duplicates counted, in both warehouses."""
        return self.only_here == 0 and self.only_there == 0 and self.rows == self.other_rows


def compare_marts(
    warehouse: Path, other: Path, ignored: Mapping[str, Sequence[str]] | None = None
) -> list[MartComparison]:
    """Compare every mart of ``warehouse`` with the mart of the same name in ``other``.

    Rows are compared as multisets (``except all`` both ways), so order does not matter but
    every value does: money to the last decimal, and a duplicated row counts. A mart missing
    from ``other`` counts all its rows as ``only_here``.

    Args:
        warehouse: One warehouse file.
        other: The warehouse file to compare it with, or a Spark warehouse folder: the one
            holding ``marts.db/<mart>/`` Parquet folders (the dbt target ``spark``). Its
            columns are read as the types of ``warehouse``'s, by name.
        ignored: Mart -> columns left out of the comparison (``NOT_IN_THE_SHARE`` when one
            warehouse was built from the share).
    """
    with duckdb.connect(":memory:") as connection:
        # Spark writes timestamps as instants; they are compared as UTC wall-clock times.
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(f"attach '{_quoted(warehouse)}' as here (read_only)")
        marts = _marts(connection, "here")
        if other.is_dir():
            theirs = _attach_spark_marts(connection, other, marts)
        else:
            connection.execute(f"attach '{_quoted(other)}' as there (read_only)")
            theirs = set(_marts(connection, "there"))
        comparisons = []
        for mart in marts:
            left_out = (ignored or {}).get(mart, ())
            quoted = ", ".join(f'"{column}"' for column in left_out)
            columns = f"* exclude ({quoted})" if left_out else "*"
            here = f'(select {columns} from here.{MARTS_SCHEMA}."{mart}")'
            there = f'(select {columns} from there.{MARTS_SCHEMA}."{mart}")'
            rows = _count(connection, f"select * from {here}")
            if mart not in theirs:
                comparisons.append(MartComparison(mart, rows, 0, rows, 0))
                continue
            comparisons.append(
                MartComparison(
                    mart,
                    rows,
                    _count(connection, f"select * from {there}"),
                    _count(connection, f"select * from {here} except all select * from {there}"),
                    _count(connection, f"select * from {there} except all select * from {here}"),
                )
            )
    return comparisons


def _attach_spark_marts(
    connection: duckdb.DuckDBPyConnection, spark_warehouse: Path, marts: Sequence[str]
) -> set[str]:
    """Views ``there.marts.<mart>`` over the Parquet files of the Spark build's marts.

    Each column is cast to the type of the DuckDB mart's column of the same name: Spark's
    instants become DuckDB's timestamps, and a column Spark lacks fails the comparison.
    """
    connection.execute("attach ':memory:' as there")
    connection.execute(f"create schema there.{MARTS_SCHEMA}")
    found = set()
    for mart in marts:
        folder = spark_warehouse / f"{MARTS_SCHEMA}.db" / mart
        if not any(folder.glob("*.parquet")):
            continue
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = 'here' and table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [MARTS_SCHEMA, mart],
        ).fetchall()
        select = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in columns)
        connection.execute(
            f'create view there.{MARTS_SCHEMA}."{mart}" as select {select} '
            f"from read_parquet('{_quoted(folder)}/*.parquet')"
        )
        found.add(mart)
    return found


def _marts(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = ? and table_schema = ? order by table_name",
            [catalog, MARTS_SCHEMA],
        ).fetchall()
    ]


def _count(connection: duckdb.DuckDBPyConnection, query: str) -> int:
    count: int = connection.execute(f"select count(*) from ({query})").fetchall()[0][0]
    return count


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
