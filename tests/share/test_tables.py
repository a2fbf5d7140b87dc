"""The Procore Analytics Delta tables: conventions, contents, layout, and refreshes.

One module although long: its tests read one written share (a module fixture, the costly
part), and splitting them would write it once per module.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from sandbox.domain.common import Company
from sandbox.domain.financials import PENDING_STATUSES
from sandbox.generator import advance, generate_company
from sandbox.share.tables import (
    DEFAULT_CHANGE_DATA_FEED,
    SHARE_TABLES,
    ShareSettings,
    build_table,
    read_table,
    spec_named,
    sync_share,
    table_path,
    table_schema,
    write_share,
)

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
# Advancing this tiny company 7 days soft-deletes RFIs and change events, hard-deletes direct
# costs, and inserts and updates rows of tables with a change data feed.
SEED = 7
NAMES = [spec.name for spec in SHARE_TABLES]
MONEY = pa.decimal128(38, 5)
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
# What the marts read, under Procore Analytics' table names.
NEEDED = {
    "companies", "projects", "project_users", "users", "vendors", "budget_codes", "wbs_codes",
    "budget_line_items", "budget_view_standard_columns", "budget_modifications", "commitments",
    "commitment_line_items", "commitment_potential_change_orders",
    "commitment_change_order_requests", "commitment_change_orders",
    "commitment_change_order_line_items", "prime_contracts", "prime_contract_line_items",
    "prime_contract_potential_change_orders", "prime_contract_change_order_requests",
    "prime_contract_change_orders", "prime_contract_change_order_line_items", "change_events",
    "change_event_line_items", "change_event_line_item_with_markups", "direct_costs",
    "direct_cost_line_items", "subcontractor_invoices", "rfis", "rfis_bic", "rfi_responses",
    "submittals",
}  # fmt: skip
# The figures Procore publishes for budget_view_standard_columns, in its order.
STANDARD_FIGURES = [
    "original_budget_amount", "budget_modifications", "forecast_to_complete_automatic_sum",
    "forecast_to_complete_manual_sum", "forecast_to_complete_aggregate_sum",
    "approved_co_amount_sum", "approved_budget_changes_amount_sum", "committed_costs_sum",
    "direct_cost_total_amount_sum", "pending_cost_changes_sum", "subcontractor_invoice_sum",
    "projected_costs_sum", "estimated_cost_at_completion", "job_to_date_costs_sum",
    "pending_co_sum", "revised_budget_sum", "projected_budget_sum", "projected_over_under_sum",
]  # fmt: skip
# budget_view_standard_columns figure -> the REST budget detail row field it must equal.
REST_BUDGET = {
    "original_budget_amount": "original_budget_amount",
    "budget_modifications": "budget_modifications",
    "approved_co_amount_sum": "Approved COs",
    "revised_budget_sum": "Revised Budget",
    "pending_co_sum": "Pending Budget Changes",
    "projected_budget_sum": "Projected Budget",
    "committed_costs_sum": "Committed Costs",
    "direct_cost_total_amount_sum": "Direct Costs",
    "job_to_date_costs_sum": "Job to Date Costs",
    "pending_cost_changes_sum": "Pending Cost Changes",
    "projected_costs_sum": "Projected Costs",
    "estimated_cost_at_completion": "Estimated Cost at Completion",
    "projected_over_under_sum": "Projected over Under",
}
# A table -> the REST resources whose live records are its rows, one row per record.
ONE_ROW_PER_RECORD = {
    "projects": ("projects",),
    "users": ("company_users",),
    "vendors": ("vendors",),
    "cost_codes": ("cost_codes",),
    "wbs_codes": ("wbs_codes",),
    "budget_codes": ("wbs_codes",),
    "budget_line_items": ("budget_view_detail_rows",),
    "budget_view_standard_columns": ("budget_view_detail_rows",),
    "commitments": ("work_order_contracts", "purchase_order_contracts"),
    "commitment_line_items": (
        "work_order_contract_line_items",
        "purchase_order_contract_line_items",
    ),
    "prime_contracts": ("prime_contracts",),
    "prime_contract_line_items": ("prime_contract_line_items",),
    "prime_contract_change_order_requests": ("change_order_requests",),
    "prime_contract_change_orders": ("prime_change_orders",),
    "commitment_change_orders": ("commitment_change_orders",),
    "change_events": ("change_events",),
    "direct_costs": ("direct_costs",),
    "direct_cost_line_items": ("direct_cost_line_items",),
    "subcontractor_invoices": ("requisitions",),
    "rfis": ("rfis",),
    "rfi_responses": ("rfi_replies",),
    "submittals": ("submittals",),
}


def singular_key(table: str) -> str:
    """The key a table name calls for: each plural word made singular, then ``_id``."""
    words = []
    for word in table.split("_"):
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and word != "wbs":
            word = word[:-1]
        words.append(word)
    return "_".join(words) + "_id"


def new_company(scale: str = "tiny") -> Company:
    return generate_company(seed=SEED, scale=scale, clock=CLOCK)


def live_ids(company: Company, *resources: str) -> set[int]:
    return {
        r["id"] for resource in resources for r in company.rows(resource) if not r.get("deleted_at")
    }


def rows(table: pa.Table, key: str) -> dict:
    return {row[key]: row for row in table.to_pylist()}


@dataclass
class Written:
    company: Company
    root: Path
    paths: dict[str, Path]
    read: dict[str, pa.Table] = dataclasses.field(default_factory=dict)

    def table(self, name: str) -> pa.Table:
        if name not in self.read:
            self.read[name] = read_table(self.paths[name])
        return self.read[name]


@dataclass
class Synced:
    company: Company
    before: Company
    root: Path
    result: dict[str, dict[str, int]]

    def table(self, name: str) -> pa.Table:
        return read_table(table_path(self.root, spec_named(name)))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    # Small: enough change orders to fill every status the generator gives them.
    company = new_company("small")
    root = tmp_path_factory.mktemp("share")
    return Written(company, root, write_share(company, root))


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Synced:
    company = new_company()
    root = tmp_path_factory.mktemp("synced")
    write_share(company, root)
    advance(company, 7)
    return Synced(company, new_company(), root, sync_share(company, root))


# -- Procore Analytics conventions ------------------------------------------------------------


def test_the_share_serves_every_table_the_marts_need_under_procore_analytics_names() -> None:
    assert set(NAMES) >= NEEDED
    assert len(NAMES) == len(set(NAMES))


def test_every_table_is_keyed_by_its_name_in_the_singular_and_has_no_bare_id(
    written: Written,
) -> None:
    assert singular_key("rfis_bic") == "rfi_bic_id" == spec_named("rfis_bic").key
    for name in NAMES:
        table = written.table(name)
        key = singular_key(name)
        assert spec_named(name).key == key == table_schema(spec_named(name)).names[0], name
        assert "id" not in table.column_names, name
        assert not table.schema.field(key).nullable, name
        values = table[key].to_pylist()
        assert None not in values and len(set(values)) == len(values), name


def test_every_table_has_company_id_and_project_tables_have_project_id_as_bigints(
    written: Written,
) -> None:
    company_id = written.company.company_id
    project_ids = {p["id"] for p in written.company.projects}
    for spec in SHARE_TABLES:
        table = written.table(spec.name)
        columns = ["company_id", "project_id"] if spec.level == "project" else ["company_id"]
        for column in columns:
            field = table.schema.field(column)
            assert field.type == pa.int64() and not field.nullable, (spec.name, column)
        assert set(table["company_id"].to_pylist()) <= {company_id}, spec.name
        if "project_id" in table.column_names:
            assert set(table["project_id"].to_pylist()) <= project_ids, spec.name
    assert "project_id" not in written.table("users").column_names


def test_money_is_decimal_38_5_in_project_and_company_currency_triplets(written: Written) -> None:
    suffixes = ("_project_currency", "_company_currency")
    for name in NAMES:
        table = written.table(name)
        money = {f.name for f in table.schema if pa.types.is_decimal(f.type)}
        assert all(table.schema.field(m).type == MONEY for m in money), name
        for column in money:
            stem = column.removesuffix(suffixes[0]).removesuffix(suffixes[1])
            # Every amount comes in both currencies; the unsuffixed one only beside them.
            assert {stem + suffix for suffix in suffixes} <= money, (name, column)
        for row in table.to_pylist():
            for column in money:
                if column.endswith(suffixes[0]):
                    stem = column.removesuffix(suffixes[0])
                    # One currency in the sandbox: every figure of an amount is equal.
                    same = {row[stem + s] for s in suffixes} | (
                        {row[stem]} if stem in money else set()
                    )
                    assert len(same) == 1, (name, stem)
    triplets = set(written.table("commitments").column_names)
    assert {"revised_contract_amount", "revised_contract_amount_project_currency"} <= triplets
    assert "grand_total" not in triplets and "grand_total_company_currency" in triplets


def test_every_table_ends_with_created_updated_and_audit_timestamps_in_utc(
    written: Written,
) -> None:
    audit = ["created_at", "updated_at", "audit_transaction_timestamp"]
    for name in NAMES:
        schema = written.table(name).schema
        assert schema.names[-3:] == audit, name
        assert all(schema.field(column).type == UTC_TIMESTAMP for column in audit), name
    rfis = written.table("rfis").to_pylist()
    assert rfis and all(row["audit_transaction_timestamp"] == row["updated_at"] for row in rfis)


def test_no_table_has_a_delete_marker(written: Written) -> None:
    for name in NAMES:
        columns = set(written.table(name).column_names)
        assert not {"deleted_at", "is_deleted", "deleted", "_deleted"} & columns, name


def test_every_table_holds_one_row_per_live_record_of_its_rest_resources(
    written: Written,
) -> None:
    company = written.company
    for name, resources in ONE_ROW_PER_RECORD.items():
        keys = set(written.table(name)[spec_named(name).key].to_pylist())
        assert keys == live_ids(company, *resources), name
    users = written.table("project_users").to_pylist()
    assert {row["project_user_id"] for row in users} == {
        f"{u['_project_id']}_{u['id']}" for u in company.rows("project_users")
    }
    lines = {line["id"] for event in company.rows("change_events") for line in
             event["change_event_line_items"]}  # fmt: skip
    for name in ("change_event_line_items", "change_event_line_item_with_markups"):
        assert set(written.table(name)[spec_named(name).key].to_pylist()) == lines, name
    pcos = live_ids(company, "potential_change_orders")
    sides = {
        name: set(written.table(name)[spec_named(name).key].to_pylist())
        for name in ("commitment_potential_change_orders", "prime_contract_potential_change_orders")
    }
    assert set.union(*sides.values()) == pcos and not set.intersection(*sides.values())
    assert written.table("commitment_change_order_requests").num_rows == 0


def test_budget_view_standard_columns_are_exactly_the_published_figures_in_two_currencies(
    written: Written,
) -> None:
    figures = [
        name
        for name in written.table("budget_view_standard_columns").column_names
        if pa.types.is_decimal(
            written.table("budget_view_standard_columns").schema.field(name).type
        )
    ]
    assert figures == [
        f"{figure}_{currency}_currency"
        for figure in STANDARD_FIGURES
        for currency in ("project", "company")
    ]


def test_budget_figures_are_the_rest_budget_detail_rows_own(written: Written) -> None:
    shared = rows(written.table("budget_view_standard_columns"), "budget_line_item_id")
    details = written.company.rows("budget_view_detail_rows")
    assert details and set(shared) == {row["id"] for row in details}
    for detail in details:
        row = shared[detail["id"]]
        for figure, field in REST_BUDGET.items():
            assert row[f"{figure}_project_currency"] == Decimal(detail[field]), figure
        assert row["forecast_to_complete_aggregate_sum_project_currency"] == Decimal(
            detail["budget_forecast"]["amount"]
        )
        assert row["budget_view_id"] == detail["_parent_id"]
    assert any(row["committed_costs_sum_project_currency"] for row in shared.values())


def test_budget_modifications_are_the_nonzero_transfers_and_net_to_zero_per_project(
    written: Written,
) -> None:
    modifications = written.table("budget_modifications").to_pylist()
    assert modifications and all(row["transfer_amount_project_currency"] for row in modifications)
    net: Counter[int] = Counter()
    for row in modifications:
        net[row["project_id"]] += row["transfer_amount_project_currency"]
    assert set(net.values()) == {0}


def test_change_order_lines_put_their_amount_in_the_bucket_of_their_pco_status(
    written: Written,
) -> None:
    statuses = {p["id"]: p["status"] for p in written.company.rows("potential_change_orders")}
    seen = set()
    for name, pco in (
        ("commitment_change_order_line_items", "commitment_potential_change_order_id"),
        ("prime_contract_change_order_line_items", "prime_contract_potential_change_order_id"),
    ):
        for row in written.table(name).to_pylist():
            status = statuses[row[pco]]
            seen.add(status)
            amount = row["extended_amount_project_currency"]
            assert amount
            buckets = {
                column.removeprefix("potential_change_order_").split("_amount")[0]: value
                for column, value in row.items()
                if column.startswith("potential_change_order_")
                and column.endswith("_amount_project_currency")
            }
            assert len(buckets) == 13, name
            assert buckets.pop("pendings") == (amount if status in PENDING_STATUSES else 0)
            assert buckets == {b: amount if b == status else 0 for b in buckets}, (name, status)
            if name.startswith("commitment"):
                committed = amount if status == "approved" else 0
                assert row["change_order_committed_amount_project_currency"] == committed
                assert (
                    row[f"potential_change_order_{status}_amount_including_markup_company_currency"]
                    == amount
                )
    assert {"approved", "pending"} <= seen


def test_commitment_lines_put_their_amount_in_the_bucket_of_their_contract_status(
    written: Written,
) -> None:
    statuses = {c["commitment_id"]: c["status"] for c in written.table("commitments").to_pylist()}
    buckets = {
        "Approved": "contracts_approved_amount",
        "Draft": "contracts_draft_amount",
        "Out For Signature": "contracts_out_for_signature_amount",
        "Complete": "contracts_complete_amount",
    }
    for row in written.table("commitment_line_items").to_pylist():
        status = statuses[row["commitment_id"]]
        for bucket_status, bucket in buckets.items():
            wanted = row["extended_amount_project_currency"] if status == bucket_status else 0
            assert row[bucket] == row[f"{bucket}_company_currency"] == wanted, (status, bucket)


def test_commitment_totals_are_the_rest_contract_totals(written: Written) -> None:
    shared = rows(written.table("commitments"), "commitment_id")
    for resource in ("work_order_contracts", "purchase_order_contracts"):
        for contract in written.company.rows(resource):
            if contract["deleted_at"]:
                continue
            row = shared[contract["id"]]
            assert row["grand_total_project_currency"] == Decimal(contract["grand_total"])
            assert row["revised_contract_amount"] == Decimal(contract["revised_contract"])
            assert row["invoiced"] == Decimal(contract["total_requisitions_amount"])
            assert row["remaining_balance"] == Decimal(contract["remaining_balance_outstanding"])


def test_rfi_responses_mark_the_latest_reply_of_each_rfi_most_recent(written: Written) -> None:
    responses = written.table("rfi_responses").to_pylist()
    latest = Counter(row["rfi_id"] for row in responses if row["is_most_recent"])
    assert responses and set(latest) == {row["rfi_id"] for row in responses}
    assert set(latest.values()) == {1}


def test_rfis_bic_has_one_row_per_person_holding_a_live_rfi(written: Written) -> None:
    held = {
        f"{rfi['id']}_{person['id']}"
        for rfi in written.company.rows("rfis")
        if not rfi["deleted_at"]
        for person in rfi["ball_in_courts"]
    }
    bic = written.table("rfis_bic").to_pylist()
    assert held and {row["rfi_bic_id"] for row in bic} == held
    assert {row["ball_in_court_role"] for row in bic} <= {"Assignee", "RFI Manager", None}


# -- the Delta tables -------------------------------------------------------------------------


def test_every_table_is_version_zero_under_its_domain_schema_by_default(written: Written) -> None:
    assert set(written.paths) == set(NAMES)
    assert {spec.domain for spec in SHARE_TABLES} == {"core", "financials", "project_management"}
    for spec in SHARE_TABLES:
        path = written.paths[spec.name]
        assert path == written.root / spec.domain / spec.name == table_path(written.root, spec)
        assert DeltaTable(path).version() == 0, spec.name
        assert read_table(path).schema.equals(table_schema(spec)), spec.name


def test_the_single_schema_layout_puts_every_table_in_one_schema(tmp_path: Path) -> None:
    settings = ShareSettings(schema_layout="single")
    paths = write_share(new_company(), tmp_path, settings=settings)
    assert {path.parent for path in paths.values()} == {tmp_path / settings.single_schema}
    assert [d.name for d in tmp_path.iterdir()] == [settings.single_schema]
    with pytest.raises(ValueError, match="schema_layout"):
        ShareSettings(schema_layout="per_tool")


def test_a_table_set_to_naive_timestamps_needs_reader_version_three(tmp_path: Path) -> None:
    settings = ShareSettings(naive_timestamps=frozenset({"rfis"}))
    spec = spec_named("rfis")
    paths = write_share(new_company(), tmp_path, tables=[spec], settings=settings)
    table = DeltaTable(paths["rfis"])
    timestamps = [f.type for f in read_table(paths["rfis"]).schema if pa.types.is_timestamp(f.type)]
    assert timestamps and all(t.tz is None for t in timestamps)
    assert table.protocol().min_reader_version == 3
    assert "timestampNtz" in (table.protocol().reader_features or [])


def test_default_tables_need_only_reader_version_one(written: Written) -> None:
    for name, path in written.paths.items():
        assert DeltaTable(path).protocol().min_reader_version == 1, name


def test_direct_cost_lines_are_partitioned_by_project(written: Written) -> None:
    for name, path in written.paths.items():
        partitions = DeltaTable(path).metadata().partition_columns
        assert partitions == (["project_id"] if name == "direct_cost_line_items" else []), name
    path = written.paths["direct_cost_line_items"]
    projects = {f"project_id={p}" for p in read_table(path)["project_id"].to_pylist()}
    assert {d.name for d in path.iterdir() if d.name.startswith("project_id=")} == projects


def test_the_change_data_feed_is_on_exactly_for_the_tables_the_settings_name(
    written: Written,
) -> None:
    for name, path in written.paths.items():
        configuration = DeltaTable(path).metadata().configuration
        enabled = configuration.get("delta.enableChangeDataFeed") == "true"
        assert enabled == (name in DEFAULT_CHANGE_DATA_FEED), name


def test_an_empty_table_keeps_its_typed_columns(written: Written) -> None:
    table = written.table("commitment_change_order_requests")
    assert table.num_rows == 0
    assert table.schema.field("grand_total_project_currency").type == MONEY


def test_a_row_that_lacks_a_column_is_refused_rather_than_filled_with_nulls() -> None:
    spec = spec_named("companies")
    broken = dataclasses.replace(spec, rows=lambda company: [{"company_id": 1, "nam": "x"}])
    with pytest.raises(ValueError, match=r"lacks \[.*'name'.*\] and has \['nam'\]"):
        build_table(new_company(), broken)


def data_files(path: Path) -> dict[str, pa.Table]:
    """Every data file of a table by its directory (one file per table or partition)."""
    files = sorted(path.rglob("*.parquet"))
    assert len(files) == len({f.parent for f in files}), path
    return {str(f.parent.relative_to(path)): pq.read_table(f) for f in files}


def test_writing_the_same_company_twice_gives_the_same_data_files(
    written: Written, tmp_path: Path
) -> None:
    again = write_share(new_company("small"), tmp_path)
    for name, path in written.paths.items():
        first, second = data_files(path), data_files(again[name])
        assert first.keys() == second.keys(), name
        for directory, table in first.items():
            assert second[directory].equals(table), (name, directory)


# -- after advance() --------------------------------------------------------------------------


def changed(counts: dict[str, int]) -> bool:
    return bool(counts["inserted"] + counts["updated"] + counts["deleted"])


def test_sync_writes_one_version_of_each_changed_table_and_none_of_the_others(
    synced: Synced,
) -> None:
    moved = {name for name, counts in synced.result.items() if changed(counts)}
    assert DEFAULT_CHANGE_DATA_FEED & moved and set(NAMES) - moved
    assert "vendors" not in moved and "budget_view_standard_columns" in moved
    for name, counts in synced.result.items():
        table = DeltaTable(table_path(synced.root, spec_named(name)))
        assert table.version() == counts["version"] == (1 if name in moved else 0), name
        assert counts["rewritten"] == 0, name
        assert len(table.history()) == table.version() + 1, name


def test_synced_tables_equal_the_advanced_company(synced: Synced) -> None:
    for spec in SHARE_TABLES:
        table = synced.table(spec.name)
        expected = build_table(synced.company, spec)
        order = [(spec.key, "ascending")]
        assert table.select(expected.column_names).sort_by(order).equals(expected.sort_by(order)), (
            spec.name
        )


def test_records_deleted_in_procore_are_in_no_table_after_the_refresh(synced: Synced) -> None:
    soft = {
        resource: {r["id"] for r in synced.company.rows(resource) if r.get("deleted_at")}
        for resource in ("rfis", "change_events")
    }
    hard = live_ids(synced.before, "direct_costs") - live_ids(synced.company, "direct_costs")
    assert soft["rfis"] and soft["change_events"] and hard
    shared = {name: synced.table(name).to_pylist() for name in NAMES}
    assert not {row["rfi_id"] for row in shared["rfis"]} & soft["rfis"]
    assert not {row["rfi_id"] for row in shared["rfi_responses"]} & soft["rfis"]
    for name in ("change_events", "change_event_line_items", "change_event_line_item_with_markups"):
        assert not {row["change_event_id"] for row in shared[name]} & soft["change_events"], name
    for name in ("direct_costs", "direct_cost_line_items"):
        assert not {row["direct_cost_id"] for row in shared[name]} & hard, name


def test_change_feeds_show_inserts_update_images_and_deletes(synced: Synced) -> None:
    seen: Counter[str] = Counter()
    for name in DEFAULT_CHANGE_DATA_FEED:
        counts = synced.result[name]
        if counts["version"] == 0:
            continue
        table = DeltaTable(table_path(synced.root, spec_named(name)))
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
    table = DeltaTable(table_path(synced.root, spec_named("change_events")))
    feed = pa.table(table.load_cdf(starting_version=1).read_all()).to_pylist()
    deleted = {row["change_event_id"] for row in feed if row["_change_type"] == "delete"}
    assert deleted
    assert not deleted & live_ids(synced.company, "change_events")


def test_a_second_sync_without_changes_writes_nothing(synced: Synced) -> None:
    again = sync_share(synced.company, synced.root)
    for name, counts in again.items():
        assert counts == {
            **dict.fromkeys(("inserted", "updated", "deleted", "rewritten"), 0),
            "version": synced.result[name]["version"],
        }, name
