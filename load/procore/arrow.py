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

Long pages skip Python objects altogether: ``PageReader`` parses their JSON into Arrow in
C++, on the thread that fetched them and without the GIL, with the raw types the shaper has
seen so far. A page it cannot read exactly as the Python path would (its first pages, a new
field holding date strings, a value of another kind) is left to the Python path.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from .errors import ProcoreSourceError

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
        reader: The table's ``PageReader``, taught the raw types of every batch shaped here.
    """

    def __init__(
        self,
        table: str,
        columns: Mapping[str, Mapping[str, Any]],
        known: Mapping[str, Mapping[str, Any]] | None = None,
        reader: PageReader | None = None,
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
        self.reader = reader

    def __call__(self, rows: list[Row]) -> pa.Table:
        """One Arrow table of ``rows``."""
        columns = list(_columns(rows))
        if self.reader is not None:
            self.reader.learn(columns)
        return self._shaped(columns)

    def from_page(self, page: pa.Table) -> pa.Table:
        """One Arrow table of a page ``PageReader`` read (top-level fields as columns)."""
        return self._shaped(zip(page.column_names, page.columns, strict=True))

    def _shaped(self, columns: Iterable[tuple[str, pa.ChunkedArray]]) -> pa.Table:
        names: list[str] = []
        arrays: list[pa.ChunkedArray] = []
        for name, column in columns:
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


class PageReader:
    """Reads a page's JSON straight into Arrow, or declines and leaves it to the Python path.

    ``pyarrow.json`` parses in C++ with the GIL released, so the threads that fetch pages
    parse them too, while this process's one Python thread does the rest: at `large`,
    turning records into Python objects and then into Arrow cost 16 µs a record, most of
    the loader's time on long lists. Its type inference differs from the Python path in one
    way that matters: it reads date-only and date-time strings alike as ``timestamp[s]``.
    So it reads with an explicit schema, the raw (JSON) types of the batches the Python
    path shaped, and declines a page where a field it had to infer came out a timestamp,
    where a value does not fit the schema, or before it has learned any type.
    """

    # Below this size a page is a few records, and Python objects are cheaper than the
    # reader's fixed cost per call (docs/decisions.md, "Long pages skip Python objects").
    MIN_BYTES = 32_768

    def __init__(self) -> None:
        self._fields: dict[str, pa.DataType] = {}
        self._schema: pa.Schema | None = None  # replaced whole, so threads read it safely
        # Nothing learned yet, or a long page declined since the last lesson: the batch
        # holding it is worth shaping (and learning from) at once, not when it is full.
        self.wants_types = True

    def learn(self, columns: Iterable[tuple[str, pa.ChunkedArray]]) -> None:
        """Widen the schema with the raw types of a batch the Python path converted."""
        changed = False
        for name, column in columns:
            merged = _merge_types(self._fields.get(name), column.type)
            if merged is not None and merged != self._fields.get(name):
                self._fields[name] = merged
                changed = True
        if changed:
            records = pa.struct(list(self._fields.items()))
            self._schema = pa.schema([("r", pa.list_(records))])
        self.wants_types = False

    def read(self, content: bytes) -> pa.Table | None:
        """The page's records as a table of their top-level fields, or None to decline."""
        if len(content) < self.MIN_BYTES:
            return None
        table = self._read(content)
        if table is None:
            self.wants_types = True
        return table

    def _read(self, content: bytes) -> pa.Table | None:
        schema = self._schema
        if schema is None:
            return None
        # The reader takes a stream of JSON objects: the page (an array) becomes one.
        wrapped = b'{"r":' + content + b"}"
        try:
            table = pajson.read_json(
                io.BytesIO(wrapped),
                read_options=pajson.ReadOptions(use_threads=False, block_size=len(wrapped) + 1),
                parse_options=pajson.ParseOptions(
                    explicit_schema=schema,
                    unexpected_field_behavior="infer",
                    newlines_in_values=b"\n" in content,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return None  # not an array of objects, a value of another kind, or not JSON
        if table.num_rows != 1 or table.column(0).null_count:
            return None
        records = table.column(0).combine_chunks()
        if records.values.null_count or _holds_timestamp(records.type):
            return None
        return pa.Table.from_struct_array(records.flatten())


def _merge_types(known: pa.DataType | None, seen: pa.DataType) -> pa.DataType | None:
    """The narrowest JSON type holding both, None when they conflict (text and numbers)."""
    if known is None or pa.types.is_null(known):
        return seen
    if pa.types.is_null(seen) or known == seen:
        return known
    if pa.types.is_struct(known) and pa.types.is_struct(seen):
        fields = {field.name: field.type for field in known}
        for field in seen:
            merged = _merge_types(fields.get(field.name), field.type)
            if merged is None:
                return None
            fields[field.name] = merged
        return pa.struct(list(fields.items()))
    if pa.types.is_list(known) and pa.types.is_list(seen):
        merged = _merge_types(known.value_type, seen.value_type)
        return None if merged is None else pa.list_(merged)
    numbers = {pa.int64(), pa.float64()}
    if {known, seen} == numbers:
        return pa.float64()
    return None


def _holds_timestamp(kind: pa.DataType) -> bool:
    """Whether a type has a timestamp anywhere in it (the schema never asks for one)."""
    if pa.types.is_timestamp(kind):
        return True
    if pa.types.is_struct(kind):
        return any(_holds_timestamp(field.type) for field in kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _holds_timestamp(kind.value_type)
    return False


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
