"""The Procore Analytics (Delta Share) tables of the sandbox, written as Delta tables.

Procore Analytics hands a company its data as a Delta Share: tables addressed as
``schema.table`` with snake_case columns, refreshed hourly (reference/delta-sharing.md §5). This
module turns a generated ``Company`` into such tables on disk, one Delta table per catalogue
entry at ``<root>/<schema>/<table>/``, which the sharing server (``sandbox/share/server.py``)
serves as they are:

- ``write_share`` writes every table as version 0;
- ``sync_share``, after ``sandbox.advance``, writes one new version of each table whose rows
  changed (a single MERGE: inserts, updates and deletes), so that the tables with the change
  data feed enabled get ``_change_data`` files, and leaves unchanged tables alone.

Column rules (one place: ``_columns``): snake_case names; nested objects flattened one level
as ``<field>_<sub>``; lists dropped unless the catalogue explodes them into a table of their
own; money (contract ``format: money``) as DECIMAL(18,2) parsed with ``Decimal``; ``date-time``
as UTC timestamps; ``date`` as date32; JSON integers int64, numbers float64, booleans bool, the
rest strings. Every table's Arrow schema is built from the contracts (``sandbox/contracts``),
never inferred from the data, so an empty or all-null column keeps its type. Project-scoped
tables start with ``project_id`` (from ``_project_id``), child tables with their parent's id
(``commitment_id``, ``direct_cost_id``, ...); key and partition columns are NOT NULL.

Soft-deleted records (a non-null ``deleted_at``) are left out: Procore Analytics shares the live
data ("complete tables", delta-sharing.md §5), and a record soft-deleted between two syncs
becomes a Delta delete (a ``delete`` row in the change data feed). Children of a soft- or
hard-deleted parent (line items of a deleted direct cost, ...) are left out with it. The
``deleted_at`` and ``deleted`` columns would therefore always be null/false, so the tables do
not have them.
"""

from __future__ import annotations

import gc
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from sandbox.contracts import load_contract
from sandbox.domain.common import Company, Record

__all__ = [
    "CATALOGUE",
    "MONEY",
    "Source",
    "TableSpec",
    "build_table",
    "live_records",
    "sync_share",
    "table_path",
    "table_schema",
    "write_share",
]

MONEY = pa.decimal128(18, 2)
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
NAIVE_TIMESTAMP = pa.timestamp("us")

# Columns that only describe soft deletion; the tables hold live records only (module doc).
_SOFT_DELETE_COLUMNS = frozenset({"deleted_at", "deleted"})
# The merge source's flag for rows to delete (sync_share); never a column of a table.
_DELETE_FLAG = "_sync_delete"


@dataclass(frozen=True)
class Source:
    """One resource feeding a table.

    Attributes:
        resource: The ``Company.records`` key (a contract name unless ``nested`` is set).
        type_value: The value of the table's ``type_column`` for this source's rows (tables
            that union several resources, such as subcontracts and purchase orders).
        parent: The resource of the records' ``_parent_id``: a row whose parent is deleted or
            gone is not live.
        nested: A list field of each ``resource`` record whose items are the table's rows
            (change event line items); the contract is that list's ``items`` schema.
    """

    resource: str
    type_value: str | None = None
    parent: str | None = None
    nested: str | None = None

    def contract(self) -> dict[str, Any]:
        """The JSON Schema of one row of this source."""
        schema = load_contract(self.resource)
        if self.nested is not None:
            return schema["properties"][self.nested]["items"]
        return schema

    def project_scoped(self) -> bool:
        """Whether the rows belong to a project (and so carry ``_project_id``)."""
        return load_contract(self.resource)["x-endpoint"]["scope"] != "company"


@dataclass(frozen=True)
class TableSpec:
    """One Procore Analytics table: where its rows come from and how it is stored.

    Attributes:
        schema: The share schema (``core``, ``financials``, ``project_management``).
        name: The table name.
        sources: The resources whose live records are the rows, in order.
        description: The table's Delta description.
        parent_column: The column holding the parent record's id (``_parent_id``, or the id
            of the record a nested list was exploded from).
        type_column: For tables of several sources, the column naming each row's source.
        key: The columns identifying a row; ``sync_share`` merges on them.
        partition_by: Delta partition columns.
        change_data_feed: Whether ``delta.enableChangeDataFeed`` is set.
        naive_timestamps: Whether ``date-time`` columns are timestamps without a time zone
            (UTC wall-clock); deltalake writes them as ``timestamp_ntz``, which raises the
            table to reader version 3 and so forces the delta response format, as Databricks
            does for such tables (reference/delta-sharing.md §3).
        rename: Column renames applied after snake-casing.
    """

    schema: str
    name: str
    sources: tuple[Source, ...]
    description: str
    parent_column: str | None = None
    type_column: str | None = None
    key: tuple[str, ...] = ("id",)
    partition_by: tuple[str, ...] = ()
    change_data_feed: bool = False
    naive_timestamps: bool = False
    rename: Mapping[str, str] = field(default_factory=dict)

    @property
    def qualified_name(self) -> str:
        """``schema.table``, the address a share client uses."""
        return f"{self.schema}.{self.name}"

    @property
    def configuration(self) -> dict[str, str]:
        """The Delta table properties."""
        if self.change_data_feed:
            return {"delta.enableChangeDataFeed": "true"}
        return {}


# The display-name budget columns of the Standard Budget view (kpis.md §2.1;
# procore-rest-api.md §8.6) are snake-cased by the general rule ("Approved COs" -> approved_cos,
# "Projected over Under" -> projected_over_under); the forecast amount gets Procore's name.
_BUDGET_RENAME = {"budget_forecast_amount": "forecast_to_complete"}

CATALOGUE: tuple[TableSpec, ...] = (
    # -- core ------------------------------------------------------------------------------
    TableSpec("core", "companies", (Source("companies"),), "The company."),
    TableSpec("core", "projects", (Source("projects"),), "Every project of the company."),
    TableSpec("core", "vendors", (Source("vendors"),), "The company directory's vendors."),
    TableSpec("core", "users", (Source("company_users"),), "The company directory's users."),
    TableSpec(
        "core",
        "project_users",
        (Source("project_users"),),
        "The users of each project's directory.",
        key=("project_id", "id"),
    ),
    TableSpec(
        "core",
        "project_vendors",
        (Source("project_vendors"),),
        "The vendors of each project's directory.",
        key=("project_id", "id"),
    ),
    # -- financials ------------------------------------------------------------------------
    TableSpec("financials", "cost_codes", (Source("cost_codes"),), "Project cost codes."),
    TableSpec(
        "financials",
        "budget_line_items",
        (Source("budget_view_detail_rows", parent="budget_views"),),
        "Budget line items with the Standard Budget view's columns.",
        parent_column="budget_view_id",
        rename=_BUDGET_RENAME,
    ),
    TableSpec("financials", "prime_contracts", (Source("prime_contracts"),), "Prime contracts."),
    TableSpec(
        "financials",
        "prime_contract_line_items",
        (Source("prime_contract_line_items", parent="prime_contracts"),),
        "Schedule of values lines of prime contracts.",
        parent_column="prime_contract_id",
    ),
    TableSpec(
        "financials",
        "commitments",
        (
            Source("work_order_contracts", type_value="WorkOrderContract"),
            Source("purchase_order_contracts", type_value="PurchaseOrderContract"),
        ),
        "Subcontracts and purchase orders; commitment_type as in requisitions.",
        type_column="commitment_type",
        change_data_feed=True,
    ),
    TableSpec(
        "financials",
        "commitment_line_items",
        (
            Source(
                "work_order_contract_line_items",
                type_value="WorkOrderContract",
                parent="work_order_contracts",
            ),
            Source(
                "purchase_order_contract_line_items",
                type_value="PurchaseOrderContract",
                parent="purchase_order_contracts",
            ),
        ),
        "Schedule of values lines of subcontracts and purchase orders.",
        parent_column="commitment_id",
        type_column="commitment_type",
    ),
    TableSpec(
        "financials",
        "change_events",
        (Source("change_events"),),
        "Change events.",
        change_data_feed=True,
    ),
    TableSpec(
        "financials",
        "change_event_line_items",
        (Source("change_events", nested="change_event_line_items"),),
        "Change event line items, exploded out of each change event's list.",
        parent_column="change_event_id",
    ),
    TableSpec(
        "financials",
        "potential_change_orders",
        (Source("potential_change_orders"),),
        "Potential change orders of prime contracts and commitments.",
        change_data_feed=True,
    ),
    TableSpec(
        "financials",
        "potential_change_order_line_items",
        (Source("potential_change_order_line_items", parent="potential_change_orders"),),
        "Line items of potential change orders.",
        parent_column="potential_change_order_id",
    ),
    TableSpec(
        "financials",
        "change_orders",
        (
            Source("prime_change_orders", type_value="PrimeChangeOrder"),
            Source("commitment_change_orders", type_value="CommitmentChangeOrder"),
        ),
        "Prime contract and commitment change orders.",
        type_column="change_order_type",
        change_data_feed=True,
    ),
    TableSpec(
        "financials",
        "change_order_packages",
        (Source("change_order_packages"),),
        "Change order packages.",
    ),
    TableSpec(
        "financials",
        "change_order_requests",
        (Source("change_order_requests"),),
        "Change order requests of three-tier prime contracts.",
    ),
    TableSpec(
        "financials",
        "direct_costs",
        (Source("direct_costs"),),
        "Direct costs: invoices, expenses, payroll.",
        change_data_feed=True,
    ),
    TableSpec(
        "financials",
        "direct_cost_line_items",
        (Source("direct_cost_line_items", parent="direct_costs"),),
        "Line items of direct costs.",
        parent_column="direct_cost_id",
        partition_by=("project_id",),
    ),
    TableSpec(
        "financials",
        "requisitions",
        (Source("requisitions"),),
        "Subcontractor invoices (requisitions) against commitments.",
    ),
    # -- project management ----------------------------------------------------------------
    TableSpec(
        "project_management",
        "rfis",
        (Source("rfis"),),
        "Requests for information.",
        change_data_feed=True,
    ),
    TableSpec(
        "project_management",
        "rfi_replies",
        (Source("rfi_replies", parent="rfis"),),
        "Replies to RFIs.",
        parent_column="rfi_id",
    ),
    TableSpec("project_management", "submittals", (Source("submittals"),), "Submittals."),
    TableSpec("project_management", "meetings", (Source("meetings"),), "Meetings."),
    TableSpec(
        "project_management",
        "manpower_logs",
        (Source("manpower_logs"),),
        "Daily log manpower entries; timestamps without time zone (UTC wall clock).",
        partition_by=("project_id",),
        naive_timestamps=True,
    ),
    TableSpec(
        "project_management",
        "daily_log_headers",
        (Source("daily_log_headers"),),
        "Daily log headers, one per project day.",
    ),
)


# -- columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One table column: its name, Arrow type, and where its value is in a row record."""

    name: str
    type: pa.DataType
    kind: str  # int, float, bool, string, money, timestamp, date, constant
    path: tuple[str, ...] = ()


def _snake(name: str) -> str:
    """snake_case of a JSON key, including the budget display names ("Approved COs")."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def _json_types(schema: Mapping[str, Any]) -> set[str]:
    kinds = schema.get("type", [])
    return {kinds} if isinstance(kinds, str) else set(kinds)


def _scalar(schema: Mapping[str, Any], naive: bool) -> tuple[str, pa.DataType] | None:
    """The column kind and Arrow type of a scalar JSON Schema, or None for objects/lists."""
    kinds = _json_types(schema) - {"null"}
    if kinds & {"object", "array"}:
        return None
    fmt = schema.get("format")
    if kinds == {"string"} and fmt == "money":
        return "money", MONEY
    if kinds == {"string"} and fmt == "date-time":
        return "timestamp", NAIVE_TIMESTAMP if naive else UTC_TIMESTAMP
    if kinds == {"string"} and fmt == "date":
        return "date", pa.date32()
    if kinds == {"integer"}:
        return "int", pa.int64()
    if kinds <= {"integer", "number"} and kinds:
        return "float", pa.float64()
    if kinds == {"boolean"}:
        return "bool", pa.bool_()
    return "string", pa.string()


def _contract_columns(contract: Mapping[str, Any], naive: bool) -> list[_Column]:
    """The columns of one row contract: scalars, then objects flattened one level."""
    top: list[_Column] = []
    nested: list[_Column] = []
    for key, prop in contract["properties"].items():
        name = _snake(key)
        if name in _SOFT_DELETE_COLUMNS:
            continue
        scalar = _scalar(prop, naive)
        if scalar is not None:
            top.append(_Column(name, scalar[1], scalar[0], (key,)))
            continue
        if "object" not in _json_types(prop):
            continue  # lists of objects or ids: dropped, or a table of their own
        for sub_key, sub_prop in prop.get("properties", {}).items():
            sub = _scalar(sub_prop, naive)
            if sub is not None:  # objects inside objects are dropped: one level only
                nested.append(_Column(f"{name}_{_snake(sub_key)}", sub[1], sub[0], (key, sub_key)))
    # A flattened name may repeat a top-level field (``location_id`` beside ``location``): the
    # top-level field wins, wherever it sits in the contract.
    columns: list[_Column] = []
    for column in top + nested:
        if all(column.name != seen.name for seen in columns):
            columns.append(column)
    order = {key: index for index, key in enumerate(contract["properties"])}
    return sorted(columns, key=lambda column: order[column.path[0]])


def _columns(spec: TableSpec) -> list[_Column]:
    """Every column of a table, in order: the sandbox's scoping ids, then the contracts'."""
    columns: list[_Column] = []
    if any(source.project_scoped() for source in spec.sources):
        columns.append(_Column("project_id", pa.int64(), "int", ("_project_id",)))
    if spec.parent_column is not None:
        columns.append(_Column(spec.parent_column, pa.int64(), "int", ("_parent_id",)))
    if spec.type_column is not None:
        columns.append(_Column(spec.type_column, pa.string(), "constant"))
    taken = {column.name for column in columns}
    for source in spec.sources:
        for column in _contract_columns(source.contract(), spec.naive_timestamps):
            name = spec.rename.get(column.name, column.name)
            if name not in taken:
                taken.add(name)
                columns.append(_Column(name, column.type, column.kind, column.path))
    return columns


def table_schema(spec: TableSpec) -> pa.Schema:
    """The Arrow schema of a table, built from the contracts of its sources."""
    key = set(spec.key) | set(spec.partition_by)
    return pa.schema(
        [
            pa.field(column.name, column.type, nullable=column.name not in key)
            for column in _columns(spec)
        ]
    )


# -- rows -------------------------------------------------------------------------------------


def _live(record: Record) -> bool:
    return record.get("deleted_at") is None


def live_records(company: Company, source: Source) -> list[Record]:
    """The live rows of one source, in the company's order.

    Soft-deleted records, and records whose parent is soft-deleted or gone, are left out
    (module doc). Rows of a ``nested`` source are shallow copies of the list items carrying
    their record's ``_project_id`` and, as ``_parent_id``, its id.
    """
    records = [record for record in company.rows(source.resource) if _live(record)]
    if source.nested is not None:
        return [
            {**item, "_project_id": record.get("_project_id"), "_parent_id": record["id"]}
            for record in records
            for item in record.get(source.nested) or ()
        ]
    if source.parent is not None:
        parents = {parent["id"] for parent in company.rows(source.parent) if _live(parent)}
        records = [record for record in records if record.get("_parent_id") in parents]
    return records


_TEXT_KINDS = frozenset({"money", "timestamp", "date"})


def _read_type(columns: list[_Column]) -> pa.StructType:
    """The Arrow struct type reading a row record: only the fields the columns use.

    Money, timestamps and dates are read as their JSON strings and converted afterwards.
    """
    fields: dict[str, Any] = {}
    for column in columns:
        if column.kind == "constant":
            continue
        read = pa.string() if column.kind in _TEXT_KINDS else column.type
        if len(column.path) == 1:
            fields[column.path[0]] = read
        else:
            outer, inner = column.path
            fields.setdefault(outer, {})[inner] = read
    return pa.struct(
        [
            pa.field(name, pa.struct(list(read.items())) if isinstance(read, dict) else read)
            for name, read in fields.items()
        ]
    )


def _read(rows: list[Record], columns: list[_Column]) -> dict[tuple[str, ...], pa.Array]:
    """Every column's raw values, by path.

    Arrow converts the dicts to a struct array in C++ (several times faster than a Python
    comprehension per column at the large scale), ignoring the keys no column uses; flattening
    a struct carries its own nulls into its fields (a null ``vendor`` gives null
    ``vendor_id``).
    """
    read_type = _read_type(columns)
    records = pa.array(rows, type=read_type)
    values: dict[tuple[str, ...], pa.Array] = {}
    for index, child in enumerate(records.flatten()):
        name = read_type.field(index).name
        if pa.types.is_struct(child.type):
            for sub_index, grandchild in enumerate(child.flatten()):
                values[(name, child.type.field(sub_index).name)] = grandchild
        else:
            values[(name,)] = child
    return values


def _money(value: str | None) -> Decimal | None:
    # Money is a decimal string in the API (procore-rest-api.md §5.3): Decimal keeps it exact,
    # a float would not, and Arrow refuses a value with more than two decimals rather than
    # rounding it.
    return None if value is None else Decimal(value)


def _convert(column: _Column, values: pa.Array) -> pa.Array:
    if column.kind == "money":
        return pa.array([_money(value) for value in values.to_pylist()], type=MONEY)
    if column.kind == "timestamp":
        # Arrow's ISO 8601 parser reads the "...Z" strings (procore-rest-api.md §5.2) as UTC
        # instants; a naive column keeps the UTC wall-clock reading.
        return values.cast(UTC_TIMESTAMP).cast(column.type)
    if column.kind == "date":
        return values.cast(pa.date32())
    return values


def build_table(company: Company, spec: TableSpec) -> pa.Table:
    """The rows of one table for the company as it is now, with the table's exact schema.

    Rows come in the company's order, source by source, which makes the output deterministic.
    Raises ``ValueError`` if two rows share a key.
    """
    schema = table_schema(spec)
    columns = _columns(spec)
    parts = []
    for source in spec.sources:
        rows = live_records(company, source)
        values = _read(rows, columns)
        arrays = [
            pa.array([source.type_value] * len(rows), type=pa.string())
            if column.kind == "constant"
            else _convert(column, values[column.path])
            for column in columns
        ]
        parts.append(pa.Table.from_arrays(arrays, schema=schema))
    # One chunk: deltalake writes the record batches of a table concurrently, so a table of
    # several chunks (one per source) would come out in a different row order on each write.
    table = pa.concat_tables(parts).combine_chunks()
    _check_key(spec, table)
    return table


def _check_key(spec: TableSpec, table: pa.Table) -> None:
    if table.num_rows == 0:
        return
    distinct = table.group_by(list(spec.key)).aggregate([]).num_rows
    if distinct != table.num_rows:
        raise ValueError(
            f"{spec.qualified_name}: {table.num_rows - distinct} rows repeat a key {spec.key}"
        )


# -- writing ----------------------------------------------------------------------------------


def table_path(root: Path, spec: TableSpec) -> Path:
    """Where a table lives: ``<root>/<schema>/<table>/``, as the sharing server expects."""
    return Path(root) / spec.schema / spec.name


def _write_new(path: Path, spec: TableSpec, table: pa.Table) -> None:
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
        configuration=spec.configuration or None,
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
    company: Company, root: Path, tables: Iterable[TableSpec] = CATALOGUE
) -> dict[str, Path]:
    """Write every catalogue table of the company as a new Delta table (version 0).

    An existing table at a table's path is replaced, so the result is always version 0.

    Args:
        company: The generated company.
        root: The share root; each table goes to ``<root>/<schema>/<table>/``.
        tables: The tables to write (default: the whole catalogue).

    Returns:
        ``schema.table`` -> the table's directory.
    """
    paths: dict[str, Path] = {}
    # Building the Arrow tables holds the GIL; the Rust writer does not, so each table is
    # written in a worker while the next one is built.
    with _collector_paused(), ThreadPoolExecutor(max_workers=4) as pool:
        futures = []
        for spec in tables:
            path = table_path(root, spec)
            futures.append(pool.submit(_write_new, path, spec, build_table(company, spec)))
            paths[spec.qualified_name] = path
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


def read_table(path: Path) -> pa.Table:
    """A Delta table's current rows, read safely (see ``_read_delta``); strings as ``string``."""
    query = QueryBuilder().register("t", DeltaTable(path)).execute("SELECT * FROM t")
    rows = pa.table(query.read_all())
    return rows.cast(
        pa.schema(
            pa.field(f.name, pa.string(), f.nullable) if pa.types.is_string_view(f.type) else f
            for f in rows.schema
        )
    )


def _read_delta(table: DeltaTable, schema: pa.Schema) -> pa.Table | None:
    """A Delta table's current rows with ``schema``, or None if its columns differ.

    Read with deltalake's own (DataFusion) engine rather than ``to_pyarrow_table()``, whose
    Arrow dataset scanner threads can abort the interpreter at exit ("terminate called
    without an active exception", delta-io/delta-rs#2184, apache/arrow#34314; seen here in
    about one run in five). DataFusion returns strings as ``string_view``, cast back here.
    """
    query = QueryBuilder().register("t", table).execute("SELECT * FROM t")
    rows = pa.table(query.read_all())
    if set(rows.column_names) != set(schema.names):
        return None
    rows = rows.select(schema.names)
    for column, wanted in zip(rows.schema, schema, strict=True):
        got = pa.string() if pa.types.is_string_view(column.type) else column.type
        if got != wanted.type:
            return None
    return rows.cast(schema)


def _sync_table(path: Path, spec: TableSpec, new: pa.Table) -> dict[str, int]:
    """Bring one Delta table to ``new`` in at most one new version; return its counts."""
    if not (path / "_delta_log").is_dir():
        _write_new(path, spec, new)
        return {"inserted": new.num_rows, "updated": 0, "deleted": 0, "version": 0}
    table = DeltaTable(path)
    old = _read_delta(table, new.schema)
    if old is None:
        # The catalogue changed the table's columns: start the table again (version 0).
        rows = table.count()
        _write_new(path, spec, new)
        return {"inserted": new.num_rows, "updated": 0, "deleted": rows, "version": 0}
    inserted, updated, deleted = _diff(old, new, spec.key)
    counts = {"inserted": len(inserted), "updated": len(updated), "deleted": len(deleted)}
    if not any(counts.values()):
        return {**counts, "version": table.version()}
    # One MERGE carries the inserts, updates and deletes, so each sync is one table version
    # and, with the change data feed on, deltalake writes insert, update_preimage/postimage
    # and delete rows to _change_data (verified on deltalake 1.6.6). The source holds only the
    # changed rows, flagged for deletion or not, rather than the whole table with a
    # "when not matched by source" clause, so unchanged files are not even read.
    upserts = new.take(pa.concat_arrays([inserted, updated]))
    upserts = upserts.append_column(_DELETE_FLAG, pa.array([False] * upserts.num_rows, pa.bool_()))
    removals = old.take(deleted)
    removals = removals.append_column(
        _DELETE_FLAG, pa.array([True] * removals.num_rows, pa.bool_())
    )
    source = pa.concat_tables([upserts, removals])
    match = " AND ".join(f't."{name}" = s."{name}"' for name in (*spec.key, *spec.partition_by))
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
        raise RuntimeError(f"{spec.qualified_name}: merged {merged}, expected {counts}")
    return {**counts, "version": table.version()}


def sync_share(
    company: Company, root: Path, tables: Iterable[TableSpec] = CATALOGUE
) -> dict[str, dict[str, int]]:
    """Bring the share's tables up to date with the company, as an hourly refresh would.

    Each table whose rows changed gets exactly one new version (a MERGE of the inserted,
    updated and deleted rows, matched on the table's key); unchanged tables get none; a table
    missing under ``root`` is written as version 0.

    Args:
        company: The company, typically after ``sandbox.advance``.
        root: The share root given to ``write_share``.
        tables: The tables to sync (default: the whole catalogue).

    Returns:
        ``schema.table`` -> ``{"inserted", "updated", "deleted", "version"}``, where
        ``version`` is the table's version after the sync.
    """
    with _collector_paused():
        return {
            spec.qualified_name: _sync_table(
                table_path(root, spec), spec, build_table(company, spec)
            )
            for spec in tables
        }
