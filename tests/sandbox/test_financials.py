from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import jsonschema
import orjson
import pytest

from sandbox import advance, generate_company
from sandbox.contracts import load_contract
from sandbox.domain.financials import RESOURCES
from tests.conftest import CLOCK

COMPANY_SCOPED = {"line_item_types", "change_order_change_reasons", "change_types"}
SOFT_DELETABLE = (
    "change_events", "potential_change_orders", "change_order_packages",
    "work_order_contracts", "purchase_order_contracts",
)  # fmt: skip
# Every Pending-family status rolls up into the pending budget columns.
PENDING = {
    "pending", "revised", "pricing", "not_pricing", "proceeding", "not_proceeding",
    "pending_billable",
}  # fmt: skip
COMMITTED = {"Approved", "Complete", "Partially Received", "Received", "Closed"}
DIRECT_COUNTED = {"pending", "revise_and_resubmit", "approved"}
CENT = Decimal("0.01")


def _public(record: dict) -> dict:
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _timestamp(value: str) -> datetime:
    assert value.endswith("Z") and len(value) == 20, value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _financials(company) -> dict:
    return {key: company.rows(key) for key in RESOURCES}


def _live(record: dict) -> bool:
    return record.get("deleted_at") is None


def _expected_budget(company, project_id: int) -> dict:
    """Every budget column per budget code, summed straight from the raw records."""
    sums: dict = defaultdict(lambda: defaultdict(Decimal))

    def key(line):
        return line["cost_code"]["id"], line["line_item_type"]["id"]

    rows = lambda resource: company.project_rows(resource, project_id)  # noqa: E731
    prime_ids = {contract["id"] for contract in rows("prime_contracts")}
    pcos = {pco["id"]: pco for pco in rows("potential_change_orders") if _live(pco)}
    for line in rows("potential_change_order_line_items"):
        pco = pcos.get(line["_parent_id"])
        if pco is None:
            continue
        prime_side = pco["contract_id"] in prime_ids
        if pco["status"] == "approved":
            column = "Approved COs" if prime_side else "Committed Costs"
        elif pco["status"] in PENDING:
            column = "Pending Budget Changes" if prime_side else "Pending Cost Changes"
        else:
            continue
        sums[key(line)][column] += Decimal(line["amount"])
    for contracts, lines in (
        ("work_order_contracts", "work_order_contract_line_items"),
        ("purchase_order_contracts", "purchase_order_contract_line_items"),
    ):
        committed = {c["id"] for c in rows(contracts) if _live(c) and c["status"] in COMMITTED}
        for line in rows(lines):
            if line["_parent_id"] in committed:
                sums[key(line)]["Committed Costs"] += Decimal(line["amount"])
    counted = {c["id"] for c in rows("direct_costs") if c["status"] in DIRECT_COUNTED}
    for line in rows("direct_cost_line_items"):
        if line["_parent_id"] in counted:
            sums[key(line)]["Direct Costs"] += Decimal(line["amount"])
    return sums


def test_every_financial_record_validates_against_its_contract(company):
    for key in RESOURCES:
        validator = jsonschema.Draft202012Validator(load_contract(key))
        records = company.rows(key)
        assert records, f"no {key} generated"
        for record in records:
            errors = list(validator.iter_errors(_public(record)))
            assert not errors, f"{key} {record.get('id')}: {errors[0].message}"
            if key in COMPANY_SCOPED:
                assert "_project_id" not in record
            else:
                assert record["_project_id"] in {p["id"] for p in company.projects}


def test_rfis_pick_their_cost_codes_from_the_financial_cost_codes(company):
    for project in company.projects:
        codes = {code["id"] for code in company.project_rows("cost_codes", project["id"])}
        for rfi in company.project_rows("rfis", project["id"]):
            assert rfi["cost_code"] is None or rfi["cost_code"]["id"] in codes


def test_the_same_seed_generates_the_same_financial_records_byte_for_byte():
    first = generate_company(seed=7, scale="small", clock=CLOCK)
    second = generate_company(seed=7, scale="small", clock=CLOCK)
    assert orjson.dumps(_financials(first)) == orjson.dumps(_financials(second))


def test_ids_are_unique_per_resource_and_fit_64_bits(company):
    for key in RESOURCES:
        ids = [record["id"] for record in company.rows(key)]
        assert len(ids) == len(set(ids)), key
        assert all(int(value) < 2**63 for value in ids)


def test_budget_columns_reconcile_to_the_cent_with_the_underlying_records(company):
    _assert_budget_reconciles(company)


def _assert_budget_reconciles(company):
    checked = 0
    for project in company.projects:
        expected = _expected_budget(company, project["id"])
        detail = company.project_rows("budget_view_detail_rows", project["id"])
        assert detail
        by_id = {}
        for row in detail:
            got = expected[(row["cost_code_id"], row["category_id"])]
            original = Decimal(row["original_budget_amount"])
            revised = original + Decimal(row["budget_modifications"]) + got["Approved COs"]
            projected_budget = revised + got["Pending Budget Changes"]
            projected_costs = (
                got["Committed Costs"] + got["Direct Costs"] + got["Pending Cost Changes"]
            )
            forecast = max(projected_budget - projected_costs, Decimal(0))
            want = {
                "Approved COs": got["Approved COs"],
                "Revised Budget": revised,
                "Pending Budget Changes": got["Pending Budget Changes"],
                "Projected Budget": projected_budget,
                "Committed Costs": got["Committed Costs"],
                "Direct Costs": got["Direct Costs"],
                "Job to Date Costs": got["Direct Costs"],
                "Pending Cost Changes": got["Pending Cost Changes"],
                "Projected Costs": projected_costs,
                "Estimated Cost at Completion": projected_costs + forecast,
                "Projected over Under": projected_budget - projected_costs - forecast,
            }
            for column, value in want.items():
                assert row[column] == str(value.quantize(CENT)), (row["id"], column)
            assert row["budget_forecast"]["amount"] == str(forecast.quantize(CENT))
            by_id[str(row["id"])] = row
            checked += 1
        summaries = company.project_rows("budget_view_summary_rows", project["id"])
        covered = [rid for summary in summaries for rid in summary["budget_line_item_ids"]]
        assert sorted(covered) == sorted(by_id)
        for summary in summaries:
            members = [by_id[rid] for rid in summary["budget_line_item_ids"]]
            for column in ("Approved COs", "Committed Costs", "Projected over Under"):
                total = sum(Decimal(row[column]) for row in members)
                assert Decimal(summary[column]) == total
            total = sum(Decimal(row["budget_forecast"]["amount"]) for row in members)
            assert Decimal(summary["budget_forecast"]["amount"]) == total
    assert checked > 0


def test_the_budget_is_not_trivially_zero(company):
    columns = Counter()
    for row in company.rows("budget_view_detail_rows"):
        for column in ("Approved COs", "Pending Budget Changes", "Committed Costs",
                       "Direct Costs", "Pending Cost Changes"):  # fmt: skip
            if Decimal(row[column]) != 0:
                columns[column] += 1
    assert set(columns) == {
        "Approved COs", "Pending Budget Changes", "Committed Costs", "Direct Costs",
        "Pending Cost Changes",
    }  # fmt: skip


def test_change_orders_reference_real_contracts_events_and_packages(company):
    commitments = {c["id"] for key in ("work_order_contracts", "purchase_order_contracts")
                   for c in company.rows(key)}  # fmt: skip
    primes = {c["id"] for c in company.rows("prime_contracts")}
    events = {e["id"] for e in company.rows("change_events")}
    packages = {p["id"]: p for p in company.rows("change_order_packages")}
    for order in company.rows("commitment_change_orders"):
        assert order["contract_id"] in commitments
        assert order["change_events"] and all(e["id"] in events for e in order["change_events"])
        assert packages[order["legacy_package_id"]]["status"] == order["status"]
    for order in company.rows("prime_change_orders"):
        assert order["contract_id"] in primes
    for pco in company.rows("potential_change_orders"):
        assert pco["contract_id"] in primes | commitments
        if pco["_package_id"] is not None:
            # A PCO stands where its package stands.
            assert pco["status"] == packages[pco["_package_id"]]["status"]
        if pco["status"] == "approved":
            assert pco["_package_id"] is not None
    for cor in company.rows("change_order_requests"):
        assert cor["change_order_package_id"] in packages
        assert cor["_contract_id"] in primes


def test_line_items_use_their_projects_budget_codes(company):
    for key in ("work_order_contract_line_items", "purchase_order_contract_line_items",
                "potential_change_order_line_items", "direct_cost_line_items"):  # fmt: skip
        for line in company.rows(key):
            codes = {
                (wbs["_cost_code_id"], wbs["_line_item_type_id"])
                for wbs in company.project_rows("wbs_codes", line["_project_id"])
            }
            assert (line["cost_code"]["id"], line["line_item_type"]["id"]) in codes


def test_statuses_are_realistically_mixed():
    company = generate_company(seed=5, scale="medium", clock=CLOCK)
    active = {p["id"] for p in company.projects if p["active"]}
    pcos = Counter(p["status"] for p in company.rows("potential_change_orders"))
    total = sum(pcos.values())
    assert 0.4 < pcos["approved"] / total < 0.9
    assert sum(pcos[s] for s in PENDING) > 0 and pcos["draft"] > 0 and pcos["rejected"] > 0
    events = Counter(e["change_event_status"]["name"] for e in company.rows("change_events"))
    assert set(events) == {"Open", "Pending", "Closed", "Void"}
    costs = Counter(c["status"] for c in company.rows("direct_costs"))
    assert costs["approved"] > costs["pending"] > 0
    for key, done in (("potential_change_orders", {"approved"}),
                      ("work_order_contracts", {"Complete"}),
                      ("direct_costs", {"approved"}),
                      ("requisitions", {"approved"})):  # fmt: skip
        for record in company.rows(key):
            if record["_project_id"] not in active:
                assert record["status"] in done, (key, record["status"])


def test_nothing_happens_after_the_clock(company):
    for key in RESOURCES:
        for record in company.rows(key):
            for field in ("created_at", "updated_at", "deleted_at", "reviewed_at"):
                if record.get(field):
                    assert _timestamp(record[field]) <= CLOCK, (key, field)
            if record.get("created_at") and record.get("updated_at"):
                assert record["created_at"] <= record["updated_at"], key
            for field in ("execution_date", "payment_date", "received_date", "billing_date"):
                if record.get(field):
                    assert record[field] <= CLOCK.date().isoformat(), (key, field)


def test_advance_changes_deletes_and_stamps_records_inside_the_window(company):
    before = {key: {r["id"]: orjson.dumps(r) for r in company.rows(key)} for key in RESOURCES}
    since = company.clock
    advance(company, 14)
    assert company.clock == since + timedelta(days=14)
    changed = Counter()
    for key in RESOURCES:
        for record in company.rows(key):
            previous = before[key].get(record["id"])
            if previous == orjson.dumps(record):
                continue
            changed[key] += 1
            if "updated_at" in record:
                assert since < _timestamp(record["updated_at"]) <= company.clock, key
            for field in ("created_at", "updated_at", "deleted_at"):
                if record.get(field):
                    assert _timestamp(record[field]) <= company.clock
    for key in ("change_events", "potential_change_orders", "direct_costs", "requisitions",
                "change_order_packages", "budget_view_detail_rows"):  # fmt: skip
        assert changed[key] > 0, key
    soft = [
        r
        for key in SOFT_DELETABLE
        for r in company.rows(key)
        if r["deleted_at"] and _timestamp(r["deleted_at"]) > since
    ]
    assert soft
    for key in ("direct_costs", "direct_cost_line_items"):
        ids = {r["id"] for r in company.rows(key)}
        assert set(before[key]) - ids, f"no {key} hard-deleted"
    _assert_budget_reconciles(company)


def test_soft_deletes_only_touch_resources_with_include_deleted(company):
    advance(company, 30)
    for key in RESOURCES:
        if key in SOFT_DELETABLE:
            continue
        filters = load_contract(key)["x-endpoint"]["filters"]
        assert "include_deleted" not in filters or key in SOFT_DELETABLE
        assert all(not r.get("deleted_at") for r in company.rows(key)), key


@pytest.mark.parametrize("scale", ["tiny", "small"])
def test_each_scale_generates_financials_for_every_project(scale):
    company = generate_company(seed=3, scale=scale, clock=CLOCK)
    for project in company.projects:
        for key in ("cost_codes", "budget_view_detail_rows", "change_events", "direct_costs"):
            assert company.project_rows(key, project["id"]), (scale, key)
