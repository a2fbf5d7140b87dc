"""The sandbox's Procore Analytics share on disk: Delta tables written and refreshed.

Procore Analytics hands a company its data as a Delta Share of ``schema.table`` tables,
refreshed hourly (docs/procore-analytics.md). ``sandbox.share.analytics`` says which tables
there are and how their rows come from a generated ``Company``; this module writes them as
Delta tables at ``<root>/<schema>/<table>/``, which the sharing server
(``sandbox/share/server.py``) discovers and serves as they are:

- ``write_share`` writes every table as version 0;
- ``sync_share``, after ``sandbox.advance``, is one refresh: each table whose rows changed gets
  one new version (a single MERGE of inserts, updates and deletes, so the tables with the
  change data feed enabled get ``_change_data`` files); unchanged tables are left alone.
  Records deleted in Procore (soft or hard) simply vanish from the table: there is no delete
  marker;
- ``ShareSettings`` holds what Procore does not publish (schema layout, which tables have a
  change data feed, timestamp types) and the schema drift a test asks for: a column added,
  removed or retyped in a table's next version, written as a full overwrite with the new
  schema, as the real product changes columns without notice.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from sandbox.domain.common import Company

from .analytics import (
    AUDIT_COLUMNS,
    DOMAINS,
    MONEY,
    NAIVE_TIMESTAMP,
    SHARE_TABLES,
    UTC_TIMESTAMP,
    Column,
    TableSpec,
    singular,
)

__all__ = [
    "AUDIT_COLUMNS",
    "DEFAULT_CHANGE_DATA_FEED",
    "DOMAINS",
    "MONEY",
    "SCHEMA_LAYOUTS",
    "SHARE_TABLES",
    "Column",
    "Drift",
    "ShareSettings",
    "TableSpec",
    "build_table",
    "read_table",
    "singular",
    "spec_named",
    "sync_share",
    "table_path",
    "table_schema",
    "write_share",
]

# "domains": one schema per domain (core, financials, project_management); "single": every
# table in one schema. Procore publishes neither its schema names nor their number.
SCHEMA_LAYOUTS = ("domains", "single")
# The tables that change most between refreshes get a change data feed, so a loader can
# read /changes; Procore does not say whether its tables have one (docs/procore-analytics.md).
DEFAULT_CHANGE_DATA_FEED = frozenset(
    {
        "change_events",
        "commitment_change_orders",
        "commitment_potential_change_orders",
        "commitments",
        "direct_costs",
        "prime_contract_change_orders",
        "prime_contract_potential_change_orders",
        "rfis",
    }
)
DRIFT_CHANGES = ("add", "drop", "retype")
# The merge source's flag for rows to delete (sync_share); never a column of a table.
_DELETE_FLAG = "_sync_delete"
_SPECS = {spec.name: spec for spec in SHARE_TABLES}


def spec_named(name: str) -> TableSpec:
    """The share table called ``name``; ``KeyError`` naming the known ones otherwise."""
    try:
        return _SPECS[name]
    except KeyError:
        raise KeyError(f"no table {name!r} in the share; tables: {', '.join(_SPECS)}") from None


@dataclass(frozen=True)
class Drift:
    """One schema change of one table, applied to every version written after it is asked.

    Attributes:
        table: The table name.
        change: ``"add"``, ``"drop"`` or ``"retype"``.
        column: The column added, removed or retyped.
        type: The new column's type (``add``) or the column's new type (``retype``).
        value: The value of an added column in every row (None: null).
    """

    table: str
    change: str
    column: str
    type: pa.DataType | None = None
    value: Any = None


@dataclass
class ShareSettings:
    """How the sandbox's share looks where Procore publishes nothing, and its schema drift.

    Attributes:
        schema_layout: ``"domains"`` puts each table in its domain's schema (``core``,
            ``financials``, ``project_management``); ``"single"`` puts every table in
            ``single_schema``.
        single_schema: The schema of the ``"single"`` layout.
        change_data_feed: Tables written with ``delta.enableChangeDataFeed``.
        naive_timestamps: Tables whose timestamps are written without a time zone (UTC
            wall clock): deltalake writes ``timestamp_ntz``, which raises the table to reader
            version 3 and so to the delta response format, as Databricks does for such
            tables.
        drift: The schema changes asked so far (``add_column``, ``drop_column``,
            ``retype_column``), applied in order to every version written afterwards.
    """

    schema_layout: str = "domains"
    single_schema: str = "analytics"
    change_data_feed: frozenset[str] = DEFAULT_CHANGE_DATA_FEED
    naive_timestamps: frozenset[str] = frozenset()
    drift: list[Drift] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.schema_layout not in SCHEMA_LAYOUTS:
            raise ValueError(
                f"schema_layout must be one of {SCHEMA_LAYOUTS}, not {self.schema_layout!r}"
            )
        for name in (*self.change_data_feed, *self.naive_timestamps):
            spec_named(name)

    def schema_of(self, spec: TableSpec) -> str:
        """The schema a table is shared in."""
        return spec.domain if self.schema_layout == "domains" else self.single_schema

    def qualified_name(self, spec: TableSpec) -> str:
        """``schema.table``, the address a share client uses after the share name."""
        return f"{self.schema_of(spec)}.{spec.name}"

    def configuration(self, spec: TableSpec) -> dict[str, str]:
        """The Delta table properties of a new table."""
        if spec.name in self.change_data_feed:
            return {"delta.enableChangeDataFeed": "true"}
        return {}

    def add_column(self, table: str, column: str, type: pa.DataType, value: Any = None) -> None:
        """From the next version on, ``table`` has a new last column ``column``."""
        self._drift(Drift(spec_named(table).name, "add", column, type, value))

    def drop_column(self, table: str, column: str) -> None:
        """From the next version on, ``table`` has no ``column`` (never its key)."""
        self._drift(Drift(spec_named(table).name, "drop", column))

    def retype_column(self, table: str, column: str, type: pa.DataType) -> None:
        """From the next version on, ``table``'s ``column`` has type ``type`` (values cast)."""
        self._drift(Drift(spec_named(table).name, "retype", column, type))

    def _drift(self, drift: Drift) -> None:
        self.drift.append(drift)

    def drift_of(self, spec: TableSpec) -> list[Drift]:
        """The schema changes asked for one table, in order."""
        return [drift for drift in self.drift if drift.table == spec.name]


# -- building a table -------------------------------------------------------------------------


def _base_schema(spec: TableSpec) -> pa.Schema:
    partitions = set(spec.partition_by)
    return pa.schema(
        pa.field(
            column.name, column.type, nullable=column.nullable and column.name not in partitions
        )
        for column in spec.columns
    )


def _check_rows(spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    """Check that every row has exactly the table's columns.

    ``from_pylist`` would silently fill a missing column with nulls and drop a misspelt one.
    """
    names = set(spec.column_names)
    for row in rows:
        if row.keys() != names:
            missing, extra = sorted(names - row.keys()), sorted(row.keys() - names)
            raise ValueError(f"{spec.name}: a row lacks {missing} and has {extra}")


def _apply_drift(spec: TableSpec, table: pa.Table, drift: Drift) -> pa.Table:
    names = table.column_names
    if drift.change == "add":
        if drift.column in names:
            raise ValueError(f"{spec.name} already has a column {drift.column!r}")
        values = pa.array([drift.value] * table.num_rows, type=drift.type)
        return table.append_column(pa.field(drift.column, drift.type), values)
    if drift.column not in names:
        raise ValueError(f"{spec.name} has no column {drift.column!r} to {drift.change}")
    if drift.change == "drop":
        if drift.column in (spec.key, *spec.partition_by):
            raise ValueError(f"{spec.name}: the sandbox merges on {drift.column!r}; keep it")
        return table.drop_columns([drift.column])
    if drift.change == "retype":
        index = names.index(drift.column)
        old = table.schema.field(index)
        values = table.column(index).cast(drift.type, safe=False)
        return table.set_column(index, pa.field(drift.column, drift.type, old.nullable), values)
    raise ValueError(f"unknown schema change {drift.change!r}; one of {DRIFT_CHANGES}")


def _finish(spec: TableSpec, table: pa.Table, settings: ShareSettings) -> pa.Table:
    """Apply the settings (timestamp type, drift) to a table built from its spec."""
    if spec.name in settings.naive_timestamps:
        for index, column in enumerate(table.schema):
            if column.type == UTC_TIMESTAMP:
                naive = pa.field(column.name, NAIVE_TIMESTAMP, column.nullable)
                table = table.set_column(index, naive, table.column(index).cast(NAIVE_TIMESTAMP))
    for drift in settings.drift_of(spec):
        table = _apply_drift(spec, table, drift)
    return table


def table_schema(spec: TableSpec, settings: ShareSettings | None = None) -> pa.Schema:
    """The Arrow schema of a table's next version, drift included."""
    empty = _base_schema(spec).empty_table()
    return _finish(spec, empty, settings or ShareSettings()).schema


def build_table(
    company: Company, spec: TableSpec, settings: ShareSettings | None = None
) -> pa.Table:
    """The rows of one table for the company as it is now, with the table's exact schema.

    Rows come in the company's order, which makes the output deterministic. Raises
    ``ValueError`` if a row lacks a column, a non-null column holds a null, or two rows
    share a key.
    """
    rows = spec.rows(company)
    _check_rows(spec, rows)
    schema = _base_schema(spec)
    table = pa.Table.from_pylist(rows, schema=schema)
    for column in schema:
        if not column.nullable and table.column(column.name).null_count:
            raise ValueError(f"{spec.name}: null in the non-null column {column.name!r}")
    table = _finish(spec, table, settings or ShareSettings())
    # One chunk: deltalake writes the record batches of a table concurrently, so a table of
    # several chunks would come out in a different row order on each write.
    table = table.combine_chunks()
    _check_key(spec, table)
    return table


def _check_key(spec: TableSpec, table: pa.Table) -> None:
    if table.num_rows and pc.count_distinct(table.column(spec.key)).as_py() != table.num_rows:
        raise ValueError(f"{spec.name}: rows repeat a key {spec.key!r}")


# -- writing ----------------------------------------------------------------------------------


def table_path(root: Path, spec: TableSpec, settings: ShareSettings | None = None) -> Path:
    """Where a table lives: ``<root>/<schema>/<table>/``, as the sharing server expects."""
    return Path(root) / (settings or ShareSettings()).schema_of(spec) / spec.name


def _write_new(path: Path, spec: TableSpec, table: pa.Table, settings: ShareSettings) -> None:
    """Write a table as version 0, replacing whatever was at ``path``."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    write_deltalake(
        path,
        table,
        partition_by=list(spec.partition_by) or None,
        mode="error",
        name=spec.name,
        description=spec.description,
        configuration=settings.configuration(spec) or None,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, as ``generate_company`` does while generating.

    The generator builds a large company with the collector off, so the first full collection
    afterwards walks every record (seconds at the large scale); the Arrow tables made here
    hold no cycles, so that pass would only slow the writing down.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def write_share(
    company: Company,
    root: Path,
    tables: Iterable[TableSpec] = SHARE_TABLES,
    settings: ShareSettings | None = None,
) -> dict[str, Path]:
    """Write every share table of the company as a new Delta table (version 0).

    An existing table at a table's path is replaced, so the result is always version 0.

    Args:
        company: The generated company.
        root: The share root; each table goes to ``<root>/<schema>/<table>/``.
        tables: The tables to write (default: every share table).
        settings: The share's settings (default: ``ShareSettings()``).

    Returns:
        Table name -> the table's directory.
    """
    settings = settings or ShareSettings()
    paths: dict[str, Path] = {}
    # Building the Arrow tables holds the GIL; the Rust writer does not, so each table is
    # written in a worker while the next one is built.
    with _collector_paused(), ThreadPoolExecutor(max_workers=4) as pool:
        futures = []
        for spec in tables:
            path = table_path(root, spec, settings)
            table = build_table(company, spec, settings)
            futures.append(pool.submit(_write_new, path, spec, table, settings))
            paths[spec.name] = path
        for future in futures:
            future.result()
    return paths


# -- syncing ----------------------------------------------------------------------------------


def _row_numbers(table: pa.Table, name: str) -> pa.Table:
    return table.append_column(name, pa.array(range(table.num_rows), type=pa.int64()))


def _diff(
    old: pa.Table, new: pa.Table, key: tuple[str, ...]
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Row positions of ``new`` inserted and updated, and of ``old`` deleted, by key."""
    pairs = (
        _row_numbers(old.select(list(key)), "__old")
        .join(_row_numbers(new.select(list(key)), "__new"), keys=list(key), join_type="full outer")
        .select(["__old", "__new"])
    )
    old_rows, new_rows = pairs["__old"], pairs["__new"]
    inserted = pc.filter(new_rows, pc.is_null(old_rows))
    deleted = pc.filter(old_rows, pc.is_null(new_rows))
    both = pc.and_(pc.is_valid(old_rows), pc.is_valid(new_rows))
    matched_old = pc.filter(old_rows, both)
    matched_new = pc.filter(new_rows, both)
    changed = pa.array([False] * len(matched_old), type=pa.bool_())
    for name in new.column_names:
        if name in key:
            continue
        before = old[name].take(matched_old)
        after = new[name].take(matched_new)
        different = pc.fill_null(pc.not_equal(before, after), False)
        one_null = pc.xor(pc.is_null(before), pc.is_null(after))
        changed = pc.or_(changed, pc.or_(different, one_null))
    updated = pc.filter(matched_new, changed)
    return _flat(inserted), _flat(updated), _flat(deleted)


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def _read_delta(table: DeltaTable) -> pa.Table:
    """A Delta table's current rows, strings as ``string``.

    Read with deltalake's own (DataFusion) engine rather than ``to_pyarrow_table()``, whose
    Arrow dataset scanner threads can abort the interpreter at exit ("terminate called
    without an active exception", delta-io/delta-rs#2184, apache/arrow#34314; seen here in
    about one run in five). DataFusion returns strings as ``string_view``, cast back here.
    """
    query = QueryBuilder().register("t", table).execute("SELECT * FROM t")
    rows = pa.table(query.read_all())
    return rows.cast(
        pa.schema(
            pa.field(f.name, pa.string(), f.nullable) if pa.types.is_string_view(f.type) else f
            for f in rows.schema
        )
    )


def read_table(path: Path) -> pa.Table:
    """A Delta table's current rows, read safely (see ``_read_delta``)."""
    return _read_delta(DeltaTable(path))


def _same_columns(old: pa.Schema, new: pa.Schema) -> bool:
    """Whether two schemas have the same column names and types.

    Order aside: reading a partitioned table gives its partition columns last.
    """
    return {f.name: f.type for f in old} == {f.name: f.type for f in new}


def _sync_table(
    path: Path, spec: TableSpec, new: pa.Table, settings: ShareSettings
) -> dict[str, int]:
    """Bring one Delta table to ``new`` in at most one new version; return its counts."""
    if not (path / "_delta_log").is_dir():
        _write_new(path, spec, new, settings)
        return {"inserted": new.num_rows, "updated": 0, "deleted": 0, "rewritten": 0, "version": 0}
    table = DeltaTable(path)
    old = _read_delta(table)
    if not _same_columns(old.schema, new.schema):
        # Schema drift: the next version replaces every row under the new schema, as a
        # CREATE OR REPLACE of the table would; readers see one new version.
        write_deltalake(
            table,
            new,
            mode="overwrite",
            schema_mode="overwrite",
            partition_by=list(spec.partition_by) or None,
        )
        table.update_incremental()
        return {
            "inserted": new.num_rows,
            "updated": 0,
            "deleted": old.num_rows,
            "rewritten": 1,
            "version": table.version(),
        }
    old = old.select(new.column_names)
    key = (spec.key,)
    inserted, updated, deleted = _diff(old, new, key)
    counts = {"inserted": len(inserted), "updated": len(updated), "deleted": len(deleted)}
    if not any(counts.values()):
        return {**counts, "rewritten": 0, "version": table.version()}
    # One MERGE carries the inserts, updates and deletes, so each sync is one table version
    # and, with the change data feed on, deltalake writes insert, update_preimage/postimage
    # and delete rows to _change_data (verified on deltalake 1.6.6). The source holds only the
    # changed rows, flagged for deletion or not, rather than the whole table with a
    # "when not matched by source" clause, so unchanged files are not even read.
    upserts = new.take(pa.concat_arrays([inserted, updated]))
    upserts = upserts.append_column(_DELETE_FLAG, pa.array([False] * upserts.num_rows, pa.bool_()))
    removals = old.take(deleted).cast(new.schema)
    removals = removals.append_column(
        _DELETE_FLAG, pa.array([True] * removals.num_rows, pa.bool_())
    )
    source = pa.concat_tables([upserts, removals])
    match = " AND ".join(f't."{name}" = s."{name}"' for name in (*key, *spec.partition_by))
    metrics = (
        table.merge(source, predicate=match, source_alias="s", target_alias="t")
        .when_matched_delete(predicate=f's."{_DELETE_FLAG}"')
        .when_matched_update_all(except_cols=[_DELETE_FLAG])
        .when_not_matched_insert_all(except_cols=[_DELETE_FLAG])
        .execute()
    )
    merged = {
        "inserted": metrics["num_target_rows_inserted"],
        "updated": metrics["num_target_rows_updated"],
        "deleted": metrics["num_target_rows_deleted"],
    }
    if merged != counts:
        raise RuntimeError(f"{spec.name}: merged {merged}, expected {counts}")
    return {**counts, "rewritten": 0, "version": table.version()}


def sync_share(
    company: Company,
    root: Path,
    tables: Iterable[TableSpec] = SHARE_TABLES,
    settings: ShareSettings | None = None,
) -> dict[str, dict[str, int]]:
    """Bring the share's tables up to date with the company, as an hourly refresh would.

    Each table whose rows changed gets exactly one new version (a MERGE of the inserted,
    updated and deleted rows, matched on the table's key); a table whose schema drifted
    (``ShareSettings.add_column`` and the like) gets one new version that overwrites it
    under the new schema; other tables get none. A table missing under ``root`` is written
    as version 0.

    Args:
        company: The company, typically after ``sandbox.advance``.
        root: The share root given to ``write_share``.
        tables: The tables to sync (default: every share table).
        settings: The share's settings, the same as given to ``write_share`` plus any drift
            asked since.

    Returns:
        Table name -> ``{"inserted", "updated", "deleted", "rewritten", "version"}``, where
        ``rewritten`` is 1 when the schema drifted and ``version`` is the table's version
        after the sync.
    """
    settings = settings or ShareSettings()
    with _collector_paused():
        return {
            spec.name: _sync_table(
                table_path(root, spec, settings),
                spec,
                build_table(company, spec, settings),
                settings,
            )
            for spec in tables
        }
