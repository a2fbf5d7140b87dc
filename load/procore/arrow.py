"""Raw rows into Arrow tables: flat columns with stable types, and no dlt normalize step.

dlt normalizes dict rows one value at a time (about 13,000 rows/s here); Arrow tables go
straight to Parquet and into DuckDB. The shaper does the part of dlt's work the raw tables
need, a batch at a time:

* nested objects become ``parent__child`` columns, as dlt's relational normalizer names
  them, unless the catalog keeps the column as JSON;
* nested lists stay whole, and dlt stores them as JSON columns (``data_type: json``): one
  raw row per Procore record, so a merge replaces a record's lists with the record;
* strings that are all ISO 8601 date-times become ``timestamp`` columns, as dlt's
  ``iso_timestamp`` detection does; date-only strings stay text unless a hint says ``date``;
* a column's type is decided once, by its hint, by the dlt schema of earlier runs, or by its
  first batch, and later batches are cast to it; a value that cannot be cast is an error
  that names the column, never a silent change of type;
* columns with no value in a batch are left out (dlt fills them with nulls).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from .helpers import ProcoreSourceError

Row = dict[str, Any]

TIMESTAMP = pa.timestamp("us", tz="UTC")
# Procore's date-times: `2026-05-01T14:03:22Z`, with optional fractions or a zone offset.
ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$"
# dlt data types the shaper casts to; others (json, decimal) keep what Arrow made of them.
ARROW_TYPES: dict[str, pa.DataType] = {
    "bigint": pa.int64(),
    "double": pa.float64(),
    "bool": pa.bool_(),
    "text": pa.string(),
    "timestamp": TIMESTAMP,
    "date": pa.date32(),
}
NESTED_SEPARATOR = "__"  # dlt's separator for flattened nested objects


class TableShaper:
    """Turns the rows of one raw table into Arrow tables whose column types never drift.

    Args:
        table: The raw table's name, for error messages.
        columns: Column hints (the catalog's and the loader's), keyed by column name.
        known: Column hints of the table in the dlt schema of earlier runs, if any.
    """

    def __init__(
        self,
        table: str,
        columns: Mapping[str, Mapping[str, Any]],
        known: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.table = table
        self.types: dict[str, pa.DataType] = {}
        self.json_columns: set[str] = set()
        # Hints win over the schema of earlier runs, which they shaped in the first place.
        for hints in (known or {}, columns):
            for name, hint in hints.items():
                data_type = hint.get("data_type")
                if data_type == "json":
                    self.json_columns.add(name)
                elif data_type in ARROW_TYPES:
                    self.types[name] = ARROW_TYPES[data_type]

    def __call__(self, rows: list[Row]) -> pa.Table:
        """One Arrow table of ``rows``."""
        names: list[str] = []
        arrays: list[pa.ChunkedArray] = []
        for name, column in _columns(rows):
            for flat_name, flat in self._flatten(name, column):
                typed = self._typed(flat_name, flat)
                if typed is not None:
                    names.append(flat_name)
                    arrays.append(typed)
        return pa.table(arrays, names=names)

    def _flatten(self, name: str, column: pa.ChunkedArray) -> Iterator[tuple[str, pa.ChunkedArray]]:
        if not pa.types.is_struct(column.type) or name in self.json_columns:
            yield name, column
            return
        # A null object makes every field of it null (flatten honours the parent's validity).
        for field, child in zip(column.type, column.flatten(), strict=True):
            yield from self._flatten(f"{name}{NESTED_SEPARATOR}{field.name}", child)

    def _typed(self, name: str, column: pa.ChunkedArray) -> pa.ChunkedArray | None:
        """The column in its decided type, or None when it holds no value at all."""
        kind = column.type
        if column.null_count == len(column):  # null-typed columns included
            return None
        if name in self.json_columns or pa.types.is_nested(kind):
            return column  # dlt stores lists and JSON-hinted objects as JSON
        decided = self.types.get(name)
        if decided is None:
            decided = _first_type(column)
            self.types[name] = decided
        if kind == decided:
            return column
        try:
            return pc.cast(column, decided)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            sample = next(value for value in column.to_pylist() if value is not None)
            raise ProcoreSourceError(
                f"Column {self.table}.{name} holds {_describe(kind)} values (such as "
                f"{sample!r}) where earlier rows held {_describe(decided)}: declare its "
                "data_type in the catalog entry's columns (load/procore/catalog.py)."
            ) from None


def _columns(rows: list[Row]) -> Iterator[tuple[str, pa.ChunkedArray]]:
    """The rows as named Arrow columns, in order of first appearance."""
    first = tuple(rows[0]) if rows else ()
    columns: Iterator[tuple[str, Sequence[Any]]]
    if all(tuple(row) == first for row in rows):
        # The usual batch: every row has the same keys in the same order, so the columns are
        # one transposition (in C) away.
        columns = zip(first, zip(*[row.values() for row in rows], strict=True), strict=True)
    else:
        names = dict.fromkeys(name for row in rows for name in row)
        columns = ((name, [row.get(name) for row in rows]) for name in names)
    for name, values in columns:
        try:
            array = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            # Mixed kinds in one column (a number here, text there): keep every value, as
            # text, the way the API sent it.
            array = pa.array([_as_text(value) for value in values], pa.string())
        yield name, pa.chunked_array([array])


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _first_type(column: pa.ChunkedArray) -> pa.DataType:
    """The type a column keeps from its first batch on."""
    kind = column.type
    if pa.types.is_large_string(kind) or pa.types.is_string(kind):
        matches = pc.match_substring_regex(column, ISO_DATETIME)
        return TIMESTAMP if pc.all(matches).as_py() else pa.string()
    return kind


def _describe(kind: pa.DataType) -> str:
    if kind == TIMESTAMP:
        return "timestamp"
    return str(kind)
