"""The Procore Analytics Delta tables: contents, types, layout, and syncing after advance()."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from sandbox.contracts import load_contract
from sandbox.domain.common import Company, Record, parse_timestamp
from sandbox.generator import advance, generate_company
from sandbox.share.tables import (
    CATALOGUE,
    MONEY,
    TableSpec,
    build_table,
    read_table,
    sync_share,
    table_path,
    table_schema,
    write_share,
)

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
SEED = 7  # advancing this company 7 days inserts, updates and deletes rows of CDF tables
SPECS = {spec.qualified_name: spec for spec in CATALOGUE}
CDF_TABLES = {
    "financials.change_events",
    "financials.change_orders",
    "financials.commitments",
    "financials.direct_costs",
    "financials.potential_change_orders",
    "project_management.rfis",
}
PARTITIONED_TABLES = {"financials.direct_cost_line_items", "project_management.manpower_logs"}
NAIVE_TABLE = "project_management.manpower_logs"


def new_company() -> Company:
    return generate_company(seed=SEED, scale="small", clock=CLOCK)


def read(path: Path) -> pa.Table:
    # Not DeltaTable.to_pyarrow_table(): it can abort the interpreter at exit (see read_table).
    return read_table(path)


@dataclass
class Written:
    company: Company
    root: Path
    paths: dict[str, Path]


@dataclass
class Synced:
    company: Company
    root: Path
    result: dict[str, dict[str, int]]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    company = new_company()
    root = tmp_path_factory.mktemp("share")
    return Written(company, root, write_share(company, root))


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    company = new_company()
    root = tmp_path_factory.mktemp("synced")
    write_share(company, root)
    advance(company, 7)
    return Synced(company, root, sync_share(company, root))


# -- what the tables should hold, restated from the records ---------------------------------


def expected_rows(company: Company, spec: TableSpec) -> list[tuple[str | None, Record]]:
    """(type value, record) of every live record feeding a table: not soft-deleted, parent
    live, nested list items carrying their record's project and id."""
    rows = []
    for source in spec.sources:
        records = [r for r in company.rows(source.resource) if r.get("deleted_at") is None]
        if source.nested:
            records = [
                {**item, "_project_id": r["_project_id"], "_parent_id": r["id"]}
                for r in records
                for item in r[source.nested]
            ]
        if source.parent:
            live = {p["id"] for p in company.rows(source.parent) if p.get("deleted_at") is None}
            records = [r for r in records if r["_parent_id"] in live]
        rows += [(source.type_value, r) for r in records]
    return rows


def record_key(spec: TableSpec, record: Record) -> tuple[Any, ...]:
    return tuple(record["_project_id"] if k == "project_id" else record[k] for k in spec.key)


def rows_by_key(spec: TableSpec, table: pa.Table) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[k] for k in spec.key): row for row in table.to_pylist()}


def snake(name: str) -> str:
    return name.lower().replace(" ", "_")


def json_types(prop: dict[str, Any]) -> set[str]:
    kinds = prop.get("type", [])
    return ({kinds} if isinstance(kinds, str) else set(kinds)) - {"null"}


def as_table_value(prop: dict[str, Any], value: Any, naive: bool) -> Any:
    """A record's JSON value as the table should hold it."""
    if value is None:
        return None
    fmt = prop.get("format")
    if fmt == "money":
        return Decimal(value)
    if fmt == "date-time":
        moment = parse_timestamp(value)
        return moment.replace(tzinfo=None) if naive else moment
    if fmt == "date":
        return date.fromisoformat(value)
    return value


def source_contract(spec: TableSpec, index: int) -> dict[str, Any]:
    source = spec.sources[index]
    contract = load_contract(source.resource)
    return contract["properties"][source.nested]["items"] if source.nested else contract


# -- version 0 --------------------------------------------------------------------------------


def test_every_catalogue_table_is_written_as_version_zero_under_schema_and_table(
    written: Written,
) -> None:
    assert set(written.paths) == set(SPECS)
    assert {spec.schema for spec in CATALOGUE} == {"core", "financials", "project_management"}
    for name, path in written.paths.items():
        spec = SPECS[name]
        assert path == written.root / spec.schema / spec.name == table_path(written.root, spec)
        assert (path / "_delta_log").is_dir()
        assert DeltaTable(path).version() == 0


def test_every_table_holds_exactly_the_live_records_of_its_sources(written: Written) -> None:
    for name, path in written.paths.items():
        spec = SPECS[name]
        table = read(path)
        expected = [record_key(spec, record) for _, record in expected_rows(written.company, spec)]
        assert table.num_rows == len(expected), name
        assert set(rows_by_key(spec, table)) == set(expected), name


def test_soft_deleted_records_are_not_shared(synced: Synced) -> None:
    deleted = {r["id"] for r in synced.company.rows("change_events") if r["deleted_at"]}
    assert deleted, "advancing the fixture should soft-delete change events"
    spec = SPECS["financials.change_events"]
    ids = set(read(table_path(synced.root, spec))["id"].to_pylist())
    assert ids and not ids & deleted
    for spec in CATALOGUE:
        columns = read(table_path(synced.root, spec)).column_names
        assert not {"deleted_at", "deleted"} & set(columns), spec.qualified_name


def test_every_scalar_field_equals_the_record_value_with_money_to_the_cent(
    written: Written,
) -> None:
    for name, path in written.paths.items():
        spec = SPECS[name]
        table = rows_by_key(spec, read(path))
        for index, source in enumerate(spec.sources):
            contract = source_contract(spec, index)
            rows = [
                r for value, r in expected_rows(written.company, spec) if value == source.type_value
            ]
            for field, prop in contract["properties"].items():
                column = spec.rename.get(snake(field), snake(field))
                if json_types(prop) & {"object", "array"} or field in ("deleted_at", "deleted"):
                    continue
                for record in rows:
                    got = table[record_key(spec, record)][column]
                    want = as_table_value(prop, record[field], spec.naive_timestamps)
                    assert got == want, (name, field, record["id"])
                    assert type(got) is type(want) or want is None, (name, field)


def test_budget_line_items_carry_the_standard_budget_columns_as_decimals(
    written: Written,
) -> None:
    table = read(written.paths["financials.budget_line_items"])
    columns = [
        "original_budget_amount",
        "budget_modifications",
        "approved_cos",
        "revised_budget",
        "pending_budget_changes",
        "projected_budget",
        "committed_costs",
        "direct_costs",
        "job_to_date_costs",
        "pending_cost_changes",
        "projected_costs",
        "forecast_to_complete",
        "estimated_cost_at_completion",
        "projected_over_under",
    ]
    for column in columns:
        assert table.schema.field(column).type == MONEY, column
    rows = {row["id"]: row for row in table.to_pylist()}
    for record in written.company.rows("budget_view_detail_rows"):
        row = rows[record["id"]]
        assert row["forecast_to_complete"] == Decimal(record["budget_forecast"]["amount"])
        assert row["projected_over_under"] == Decimal(record["Projected over Under"])
        assert row["revised_budget"] == (
            row["original_budget_amount"] + row["budget_modifications"] + row["approved_cos"]
        )
        assert row["budget_view_id"] == record["_parent_id"]


def test_nested_objects_are_flattened_one_level_and_lists_dropped(written: Written) -> None:
    rfis = rows_by_key(
        SPECS["project_management.rfis"], read(written.paths["project_management.rfis"])
    )
    for record in written.company.rows("rfis"):
        if record["deleted_at"] is not None:
            continue
        row = rfis[(record["id"],)]
        court = record["ball_in_court"] or {}
        assert row["ball_in_court_name"] == court.get("name")
        assert row["ball_in_court_id"] == court.get("id")
        assert row["cost_impact_value"] == record["cost_impact"]["value"]
        assert row["project_id"] == record["_project_id"]
    columns = set(read(written.paths["project_management.rfis"]).column_names)
    assert not {"assignees", "ball_in_courts", "questions", "custom_fields"} & columns
    assert not any(c.startswith(("assignees_", "questions_")) for c in columns)
    logs = read(written.paths[NAIVE_TABLE]).column_names
    assert {"vendor_id", "vendor_name", "trade_updated_at", "permissions_can_update"} <= set(logs)
    assert "attachments" not in logs


def test_child_tables_carry_their_parent_and_project_ids(written: Written) -> None:
    children = {
        "financials.direct_cost_line_items": "direct_cost_id",
        "financials.commitment_line_items": "commitment_id",
        "financials.prime_contract_line_items": "prime_contract_id",
        "financials.potential_change_order_line_items": "potential_change_order_id",
        "financials.change_event_line_items": "change_event_id",
        "project_management.rfi_replies": "rfi_id",
    }
    for name, column in children.items():
        spec = SPECS[name]
        table = rows_by_key(spec, read(written.paths[name]))
        for _, record in expected_rows(written.company, spec):
            row = table[record_key(spec, record)]
            assert row[column] == record["_parent_id"], name
            assert row["project_id"] == record["_project_id"], name
    events = read(written.paths["financials.change_event_line_items"]).to_pylist()
    assert events and all(row["change_event_id"] == row["event_id"] for row in events)
    for name in ("core.companies", "core.projects", "core.vendors", "core.users"):
        assert "project_id" not in read(written.paths[name]).column_names


def test_union_tables_name_the_source_of_every_row(written: Written) -> None:
    def live(resource: str) -> int:
        return sum(r.get("deleted_at") is None for r in written.company.rows(resource))

    commitments = Counter(
        read(written.paths["financials.commitments"])["commitment_type"].to_pylist()
    )
    assert commitments == {
        "WorkOrderContract": live("work_order_contracts"),
        "PurchaseOrderContract": live("purchase_order_contracts"),
    }
    orders = Counter(
        read(written.paths["financials.change_orders"])["change_order_type"].to_pylist()
    )
    assert orders == {
        "PrimeChangeOrder": live("prime_change_orders"),
        "CommitmentChangeOrder": live("commitment_change_orders"),
    }
    lines = read(written.paths["financials.commitment_line_items"]).to_pylist()
    assert {row["commitment_type"] for row in lines} == {
        "WorkOrderContract",
        "PurchaseOrderContract",
    }
    assert all(row["commitment_type"] == row["holder_holder_type"] for row in lines)


# -- types and layout -------------------------------------------------------------------------


def test_schemas_follow_the_contract_types(written: Written) -> None:
    for name, path in written.paths.items():
        spec = SPECS[name]
        schema = read(path).schema
        assert schema.equals(table_schema(spec)), name
        for index in range(len(spec.sources)):
            for field, prop in source_contract(spec, index)["properties"].items():
                column = spec.rename.get(snake(field), snake(field))
                kinds = json_types(prop)
                if kinds & {"object", "array"} or column not in schema.names:
                    continue
                got = schema.field(column).type
                fmt = prop.get("format")
                if fmt == "money":
                    assert got == pa.decimal128(18, 2), (name, column)
                elif fmt == "date-time":
                    tz = None if spec.naive_timestamps else "UTC"
                    assert got == pa.timestamp("us", tz=tz), (name, column)
                elif fmt == "date":
                    assert got == pa.date32(), (name, column)
                elif kinds == {"integer"}:
                    assert got == pa.int64(), (name, column)
                elif kinds == {"number"}:
                    assert got == pa.float64(), (name, column)
                elif kinds == {"boolean"}:
                    assert got == pa.bool_(), (name, column)
                else:
                    assert got == pa.string(), (name, column)


def test_only_manpower_logs_has_naive_timestamps_and_needs_reader_version_three(
    written: Written,
) -> None:
    for name, path in written.paths.items():
        table = DeltaTable(path)
        timestamps = [f.type for f in read(path).schema if pa.types.is_timestamp(f.type)]
        if name == NAIVE_TABLE:
            assert timestamps and all(t.tz is None for t in timestamps)
            assert table.protocol().min_reader_version == 3
            assert "timestampNtz" in (table.protocol().reader_features or [])
        else:
            assert all(t.tz == "UTC" for t in timestamps), name
            assert table.protocol().min_reader_version == 1, name


def test_line_items_and_manpower_logs_are_partitioned_by_project(written: Written) -> None:
    for name, path in written.paths.items():
        partitions = DeltaTable(path).metadata().partition_columns
        assert partitions == (["project_id"] if name in PARTITIONED_TABLES else []), name
    for name in PARTITIONED_TABLES:
        projects = {f"project_id={p}" for p in read(written.paths[name])["project_id"].to_pylist()}
        assert {
            d.name for d in written.paths[name].iterdir() if d.name.startswith("project_id=")
        } == projects


def test_the_most_changing_tables_have_the_change_data_feed_enabled(written: Written) -> None:
    for name, path in written.paths.items():
        configuration = DeltaTable(path).metadata().configuration
        enabled = configuration.get("delta.enableChangeDataFeed") == "true"
        assert enabled == (name in CDF_TABLES), name


def test_an_empty_table_keeps_its_typed_columns(tmp_path: Path) -> None:
    company = new_company()
    company.records["change_order_requests"] = []
    spec = SPECS["financials.change_order_requests"]
    paths = write_share(company, tmp_path, tables=[spec])
    table = read(paths[spec.qualified_name])
    assert table.num_rows == 0
    assert table.schema.equals(table_schema(spec))
    assert table.schema.field("grand_total").type == MONEY


def data_files(path: Path) -> dict[str, pa.Table]:
    """Every data file of a table by its directory (one file per table or partition)."""
    files = sorted(path.rglob("*.parquet"))
    assert len(files) == len({f.parent for f in files}), path
    return {str(f.parent.relative_to(path)): pq.read_table(f) for f in files}


def test_writing_the_same_company_twice_gives_the_same_data_files(
    written: Written, tmp_path: Path
) -> None:
    again = write_share(new_company(), tmp_path)
    for name, path in written.paths.items():
        first, second = data_files(path), data_files(again[name])
        assert first.keys() == second.keys(), name
        for directory, table in first.items():
            assert second[directory].equals(table), (name, directory)


# -- after advance() --------------------------------------------------------------------------


def test_sync_writes_one_version_of_each_changed_table_and_none_of_the_others(
    synced: Synced,
) -> None:
    changed = {n for n, c in synced.result.items() if c["inserted"] + c["updated"] + c["deleted"]}
    assert CDF_TABLES & changed and set(SPECS) - changed
    assert "core.vendors" not in changed
    for name, counts in synced.result.items():
        table = DeltaTable(table_path(synced.root, SPECS[name]))
        assert table.version() == counts["version"] == (1 if name in changed else 0), name
        assert len(table.history()) == table.version() + 1, name


def test_synced_tables_equal_the_advanced_company(synced: Synced) -> None:
    for name, spec in SPECS.items():
        table = read(table_path(synced.root, spec))
        expected = build_table(synced.company, spec)
        order = [(key, "ascending") for key in spec.key]
        assert table.sort_by(order).equals(expected.sort_by(order)), name
        keys = {record_key(spec, r) for _, r in expected_rows(synced.company, spec)}
        assert set(rows_by_key(spec, table)) == keys, name


def test_change_feeds_show_inserts_update_images_and_deletes(synced: Synced) -> None:
    seen: Counter[str] = Counter()
    for name in CDF_TABLES:
        counts = synced.result[name]
        if counts["version"] == 0:
            continue
        table = DeltaTable(table_path(synced.root, SPECS[name]))
        feed = pa.table(table.load_cdf(starting_version=1).read_all())
        types = Counter(feed["_change_type"].to_pylist())
        assert types == {
            kind: n
            for kind, n in {
                "insert": counts["inserted"],
                "update_preimage": counts["updated"],
                "update_postimage": counts["updated"],
                "delete": counts["deleted"],
            }.items()
            if n
        }, name
        assert set(feed["_commit_version"].to_pylist()) == {1}
        seen.update(types)
    assert set(seen) == {"insert", "update_preimage", "update_postimage", "delete"}


def test_a_deleted_row_in_the_feed_is_a_record_soft_deleted_or_gone(synced: Synced) -> None:
    table = DeltaTable(table_path(synced.root, SPECS["financials.change_events"]))
    feed = pa.table(table.load_cdf(starting_version=1).read_all()).to_pylist()
    deleted = {row["id"] for row in feed if row["_change_type"] == "delete"}
    assert deleted
    live = {r["id"] for r in synced.company.rows("change_events") if r["deleted_at"] is None}
    assert not deleted & live


def test_a_second_sync_without_changes_writes_nothing(synced: Synced) -> None:
    again = sync_share(synced.company, synced.root)
    for name, counts in again.items():
        assert counts == {
            **dict.fromkeys(("inserted", "updated", "deleted"), 0),
            "version": synced.result[name]["version"],
        }, name
