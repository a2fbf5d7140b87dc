"""Delta table schemas: Spark schema strings to Arrow types, drift, and merge keys.

A shared table's types come from its Delta schema (the ``schemaString`` of its metadata),
never from the data: decimals keep their precision and scale, timestamps are UTC, and an
empty table is still typed. See docs/procore-analytics-loader.md for the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .errors import ProcoreAnalyticsError

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
_DECIMAL = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$")
_PRIMITIVES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "long": pa.int64(),
    "integer": pa.int32(),
    "short": pa.int16(),
    "byte": pa.int8(),
    "float": pa.float32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "binary": pa.binary(),
    "date": pa.date32(),
    # Delta timestamps are instants, stored in UTC.
    "timestamp": UTC_TIMESTAMP,
    # Wall-clock timestamps without a zone: Procore's clocks are UTC, so they are read as UTC
    # instants, and every timestamp of the raw dataset has one type.
    "timestamp_ntz": UTC_TIMESTAMP,
    "void": pa.null(),
}


@dataclass(frozen=True)
class DeltaColumn:
    """One column of a Delta schema.

    Attributes:
        name: The column name, as shared.
        type_text: Its Delta type as text (``decimal(38,5)``, ``long``, JSON for nested
            types): what drift is measured on.
        arrow_type: The Arrow type its values are loaded as.
    """

    name: str
    type_text: str
    arrow_type: pa.DataType


def _arrow_type(spark: Any, column: str, table: str) -> pa.DataType:
    """The Arrow type of a Spark/Delta type (a name, or a JSON object for nested types)."""
    if isinstance(spark, str):
        name = spark.strip().lower()
        if name in _PRIMITIVES:
            return _PRIMITIVES[name]
        decimal = _DECIMAL.match(name)
        if decimal:
            precision, scale = int(decimal.group(1)), int(decimal.group(2))
            if precision > 38:
                return pa.decimal256(precision, scale)
            return pa.decimal128(precision, scale)
    elif isinstance(spark, dict):
        kind = spark.get("type")
        if kind == "array":
            element = _arrow_type(spark["elementType"], column, table)
            return pa.list_(element)
        if kind == "map":
            key = _arrow_type(spark["keyType"], column, table)
            value = _arrow_type(spark["valueType"], column, table)
            return pa.map_(key, value)
        if kind == "struct":
            return pa.struct(
                [
                    pa.field(sub["name"], _arrow_type(sub["type"], column, table))
                    for sub in spark.get("fields", [])
                ]
            )
    raise ProcoreAnalyticsError(
        f"Column {column} of {table} has Delta type {json.dumps(spark)}, which this loader "
        "cannot read: leave the table out of sources.procore_analytics.tables."
    )


def delta_columns(schema_string: str, table: str) -> list[DeltaColumn]:
    """The columns of a Delta schema string, in order.

    Args:
        schema_string: The ``schemaString`` of a table's metadata (Spark JSON schema).
        table: ``schema.table``, for messages.
    """
    try:
        schema = json.loads(schema_string)
        fields = schema["fields"]
    except (ValueError, KeyError, TypeError):
        raise ProcoreAnalyticsError(
            f"The sharing server sent a schema for {table} that is not a Spark JSON schema."
        ) from None
    columns = []
    for column in fields:
        spark = column["type"]
        text = (
            spark.strip().lower() if isinstance(spark, str) else json.dumps(spark, sort_keys=True)
        )
        columns.append(DeltaColumn(column["name"], text, _arrow_type(spark, column["name"], table)))
    return columns


def arrow_schema(columns: Iterable[DeltaColumn]) -> pa.Schema:
    """The Arrow schema rows are loaded with; every column nullable.

    Raw columns stay nullable whatever the share says, so that a column Procore stops
    sharing can be left null on new rows instead of failing the load.
    """
    return pa.schema(
        [pa.field(column.name, column.arrow_type, nullable=True) for column in columns]
    )


@dataclass(frozen=True)
class Drift:
    """How a table's columns changed since the last load."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # (column, old Delta type, new Delta type)
    retyped: list[tuple[str, str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.retyped)


def drift(loaded: Mapping[str, str], columns: Sequence[DeltaColumn]) -> Drift:
    """Compare the columns last loaded (name -> Delta type text) with the shared ones."""
    now = {column.name: column.type_text for column in columns}
    return Drift(
        added=[name for name in now if name not in loaded],
        removed=[name for name in loaded if name not in now],
        retyped=[
            (name, loaded[name], text)
            for name, text in now.items()
            if name in loaded and loaded[name] != text
        ],
    )


def _singulars(word: str) -> list[str]:
    """The ways a table-name word may read in the singular, most likely first.

    ``companies`` -> ``company``; ``rfis`` -> ``rfi``; ``statuses`` -> ``status``; and the
    word itself (``equipment``, ``analysis``). Every one is tried against the columns.
    """
    forms = []
    if word.endswith("ies") and len(word) > 3:
        forms.append(word[:-3] + "y")
    if word.endswith("s") and len(word) > 1:
        forms.append(word[:-1])
    if word.endswith("es") and len(word) > 2:
        forms.append(word[:-2])
    return [*forms, word]


def key_candidates(table_name: str) -> list[str]:
    """The column names that would be a table's own key, most specific first.

    Procore Analytics keys a table by ``<entity>_id``, the entity being the table name in
    the singular: ``commitments.commitment_id``, ``rfis_bic.rfi_bic_id``,
    ``daily_log_types.daily_log_type_id``, ``punch_item.punch_item_id``.
    """
    words = table_name.lower().split("_")
    candidates = [f"{table_name.lower()}_id"]
    # The last word in the singular (daily_log_types -> daily_log_type_id) ...
    candidates += ["_".join([*words[:-1], form]) + "_id" for form in _singulars(words[-1])]
    # ... or every word (rfis_bic -> rfi_bic_id).
    candidates.append("_".join(_singulars(word)[0] for word in words) + "_id")
    return list(dict.fromkeys(candidates))


def merge_key(
    qualified: str,
    table_name: str,
    columns: Sequence[DeltaColumn],
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, ...] | None:
    """The columns a table's change data feed is merged on, or None to replace the table.

    The rule, first match wins:

    1. ``overrides["schema.table"]`` (setting ``merge_keys``); an empty list means "no key".
    2. The table's ``<entity>_id`` column (``key_candidates``).
    3. A column named ``id``.

    Raises:
        ProcoreAnalyticsError: if an override names a column the table does not have.
    """
    names = {column.name.lower(): column.name for column in columns}
    for configured, keys in (overrides or {}).items():
        if configured.lower() != qualified.lower():
            continue
        missing = [key for key in keys if key.lower() not in names]
        if missing:
            raise ProcoreAnalyticsError(
                f"sources.procore_analytics.merge_keys names column(s) {', '.join(missing)} of "
                f"{qualified}, which it does not have: its columns are {', '.join(names.values())}."
            )
        return tuple(names[key.lower()] for key in keys) or None
    for candidate in [*key_candidates(table_name), "id"]:
        if candidate in names:
            return (names[candidate],)
    return None
