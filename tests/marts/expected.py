"""What each mart must say about a generated company, computed from the generator's objects.

Nothing here reads the warehouse or repeats its SQL: the figures come straight from the
records the sandbox serves, following the definitions in docs/decisions.md. Money is summed
as ``Decimal`` from Procore's money strings, so comparisons are to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox import Company

Record = dict[str, Any]
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

PENDING = {
    "pending",
    "revised",
    "pricing",
    "not_pricing",
    "proceeding",
    "not_proceeding",
    "pending_billable",
}
STATUS_GROUPS = {
    **dict.fromkeys(PENDING, "pending"),
    **{status: status for status in ("approved", "draft", "rejected", "void", "no_charge")},
}
DECIDED = {"approved", "rejected", "void", "no_charge"}
COMMITTED = {
    "subcontract": {"Approved", "Complete"},
    "purchase_order": {"Approved", "Partially Received", "Received", "Closed"},
}
COMMITMENT_RESOURCES = {
    "subcontract": "work_order_contracts",
    "purchase_order": "purchase_order_contracts",
}

# Budget detail row keys (Procore's display names) and the mart column for each.
BUDGET_COLUMNS = {
    "original_budget_amount": "original_budget",
    "budget_modifications": "budget_modifications",
    "Approved COs": "approved_budget_changes",
    "Revised Budget": "revised_budget",
    "Pending Budget Changes": "pending_budget_changes",
    "Projected Budget": "projected_budget",
    "Committed Costs": "committed_costs",
    "Direct Costs": "direct_costs",
    "Job to Date Costs": "job_to_date_costs",
    "Pending Cost Changes": "pending_cost_changes",
    "Projected Costs": "projected_costs",
    "Estimated Cost at Completion": "estimated_cost_at_completion",
    "Projected over Under": "projected_over_under",
}


def money(value: str | float | int | None) -> Decimal:
    """A Procore money value (a string such as "1234.0", or a JSON number) to the cent."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def _day(timestamp: str | None) -> date | None:
    return None if timestamp is None else datetime.fromisoformat(timestamp[:10]).date()


def live(records: list[Record]) -> list[Record]:
    """The records that are not soft-deleted."""
    return [record for record in records if record.get("deleted_at") is None]


def _project_ids(company: Company) -> list[int]:
    return [project["id"] for project in company.projects]


def budget_lines(company: Company) -> dict[str, Record]:
    """Procore's own budget figures, by budget row id: what a project manager sees."""
    lines = {}
    for project_id in _project_ids(company):
        for row in company.project_rows("budget_view_detail_rows", project_id):
            line = {column: money(row[key]) for key, column in BUDGET_COLUMNS.items()}
            line["forecast_to_complete"] = money(row["budget_forecast"]["amount"])
            revised = line["revised_budget"]
            line["uncommitted_budget"] = revised - line["committed_costs"]
            line["is_over_budget"] = line["projected_over_under"] < 0
            line["project_id"] = project_id
            line["cost_code_id"] = row["cost_code_id"]
            line["line_item_type_id"] = row["category_id"]
            lines[row["budget_row_id"]] = line
    return lines


def commitments(company: Company) -> dict[int, Record]:
    """Every live subcontract and purchase order with its change orders and invoices."""
    orders_by_contract: dict[int, list[Record]] = defaultdict(list)
    for order in live(company.rows("commitment_change_orders")):
        orders_by_contract[order["contract_id"]].append(order)
    invoices_by_contract: dict[int, list[Record]] = defaultdict(list)
    for invoice in company.rows("requisitions"):
        invoices_by_contract[invoice["commitment_id"]].append(invoice)
    result = {}
    for kind, resource in COMMITMENT_RESOURCES.items():
        for contract in live(company.rows(resource)):
            orders = orders_by_contract[contract["id"]]
            approved = sum(
                (money(o["grand_total"]) for o in orders if o["status"] == "approved"), ZERO
            )
            pending = sum((money(o["grand_total"]) for o in orders if o["status"] in PENDING), ZERO)
            invoices = invoices_by_contract[contract["id"]]
            submitted = [invoice for invoice in invoices if invoice["status"] != "draft"]
            paid = sum(
                (
                    money(invoice["summary"]["current_payment_due"])
                    for invoice in invoices
                    if invoice["payment_date"]
                ),
                ZERO,
            )
            latest = max(submitted, key=lambda invoice: invoice["number"], default=None)
            original = sum(
                (
                    money(line["amount"])
                    for line in company.children(f"{resource[:-1]}_line_items", contract["id"])
                ),
                ZERO,
            )
            revised = original + approved
            result[contract["id"]] = {
                "project_id": contract["_project_id"],
                "commitment_type": kind,
                "vendor_id": contract["_vendor"]["id"],
                "is_committed": contract["status"] in COMMITTED[kind],
                "original_amount": original,
                "approved_change_orders": approved,
                "pending_change_orders": pending,
                "revised_amount": revised,
                "invoiced_amount": sum(
                    (money(invoice["total_claimed_amount"]) for invoice in submitted), ZERO
                ),
                "paid_amount": paid,
                "retainage_held": money(latest["summary"]["total_retainage"]) if latest else ZERO,
                "remaining_balance": revised - paid,
            }
    return result


def _prime_contract_ids(company: Company) -> set[int]:
    return {contract["id"] for contract in company.rows("prime_contracts")}


def change_orders(company: Company, as_of: date) -> dict[int, Record]:
    """The change order log: every live prime and commitment change order."""
    result = {}
    for side, resource in (
        ("prime", "prime_change_orders"),
        ("commitment", "commitment_change_orders"),
    ):
        for order in live(company.rows(resource)):
            group = STATUS_GROUPS[order["status"]]
            created = _day(order["created_at"])
            reviewed = _day(order["reviewed_at"])
            events = sorted(event["id"] for event in order["change_events"])
            result[order["id"]] = {
                "contract_side": side,
                "project_id": order["_project_id"],
                "contract_id": order["contract_id"],
                "change_order_status": order["status"],
                "status_group": group,
                "amount": money(order["grand_total"]),
                "change_event_ids": ", ".join(str(event) for event in events),
                "change_event_count": len(events),
                "days_pending": (as_of - created).days if group == "pending" else None,
                "days_to_review": (reviewed - created).days
                if reviewed is not None and group in DECIDED
                else None,
            }
    return result


def _pco_lines_by_change_event_line(company: Company) -> dict[str, dict[int, Record]]:
    """For each side, the live PCO line pricing each change event line, with its PCO."""
    primes = _prime_contract_ids(company)
    pcos = {pco["id"]: pco for pco in live(company.rows("potential_change_orders"))}
    by_side: dict[str, dict[int, Record]] = {"prime": {}, "commitment": {}}
    for line in company.rows("potential_change_order_line_items"):
        pco = pcos.get(line["_parent_id"])
        if pco is None or line["change_event_line_item"] is None:
            continue
        side = "prime" if pco["contract_id"] in primes else "commitment"
        by_side[side][line["change_event_line_item"]["id"]] = {"line": line, "pco": pco}
    return by_side


def change_event_lines(company: Company) -> dict[tuple[int, int | None], Record]:
    """Every line item of every live change event, priced as Procore's change events log."""
    priced = _pco_lines_by_change_event_line(company)
    result = {}
    for event in live(company.rows("change_events")):
        custom = event["change_event_status"] or {}
        status = custom.get("name", event["status"]).lower()
        # Exposure reads Procore's fixed status family, whatever the company named it.
        family = custom.get("mapped_to_status", event["status"])
        if not event["change_event_line_items"]:
            result[(event["id"], None)] = {
                "project_id": event["_project_id"],
                "change_event_status": status,
                "_mapped_status": family,
                "revenue_rom": ZERO,
                "cost_rom": ZERO,
                "latest_price": ZERO,
                "latest_cost": ZERO,
                "over_under": ZERO,
                "is_on_prime_pco": False,
            }
        for line in event["change_event_line_items"]:
            prime = priced["prime"].get(line["id"])
            commitment = priced["commitment"].get(line["id"])
            revenue_rom = money(line["rom"])
            cost_rom = money(line["estimated_cost_amount"])
            price = money(prime["line"]["amount"]) if prime else revenue_rom
            if commitment:
                cost = money(commitment["line"]["amount"])
            elif money(line["rfq_amount"]) != 0:
                cost = money(line["rfq_amount"])
            else:
                cost = cost_rom
            result[(event["id"], line["id"])] = {
                "project_id": event["_project_id"],
                "change_event_status": status,
                "_mapped_status": family,
                "revenue_rom": revenue_rom,
                "cost_rom": cost_rom,
                "latest_price": price,
                "latest_cost": cost,
                "over_under": price - cost,
                "is_on_prime_pco": prime is not None,
            }
    return result


EXPOSURE_AMOUNTS = (
    "unpriced_exposure",
    "unpriced_exposure_cost",
    *(
        f"{side}_{bucket}_amount"
        for side in ("prime", "commitment")
        for bucket in ("pending", "approved", "rejected_or_void")
    ),
    "unfunded_commitment_changes",
    "unfunded_0_30_days",
    "unfunded_31_60_days",
    "unfunded_over_60_days",
    "change_order_margin",
)


def exposure(company: Company, as_of: date) -> dict[int, Record]:
    """Change order exposure per project (docs/decisions.md, "Change orders and exposure")."""
    result: dict[int, Record] = {}
    for project_id in _project_ids(company):
        result[project_id] = {
            **dict.fromkeys(EXPOSURE_AMOUNTS, ZERO),
            "unfunded_change_order_count": 0,
            "oldest_pending_days": None,
        }
    for line in change_event_lines(company).values():
        row = result[line["project_id"]]
        if line["_mapped_status"] in {"open", "pending"} and not line["is_on_prime_pco"]:
            row["unpriced_exposure"] += line["revenue_rom"]
            row["unpriced_exposure_cost"] += line["cost_rom"]
        if line["_mapped_status"] != "void":
            row["change_order_margin"] += line["over_under"]
    primes = _prime_contract_ids(company)
    for pco in live(company.rows("potential_change_orders")):
        side = "prime" if pco["contract_id"] in primes else "commitment"
        group = STATUS_GROUPS[pco["status"]]
        bucket = {"pending": "pending", "approved": "approved", "rejected": "rejected_or_void",
                  "void": "rejected_or_void"}.get(group)  # fmt: skip
        if bucket:
            result[pco["_project_id"]][f"{side}_{bucket}_amount"] += money(pco["grand_total"])
    funded_events = {
        event["id"]
        for order in live(company.rows("prime_change_orders"))
        if order["status"] == "approved"
        for event in order["change_events"]
    }
    for order in live(company.rows("commitment_change_orders")):
        if order["status"] != "approved":
            continue
        if any(event["id"] in funded_events for event in order["change_events"]):
            continue
        row = result[order["_project_id"]]
        approved_on = _day(order["reviewed_at"] or order["created_at"])
        age = (as_of - approved_on).days
        bucket = "0_30" if age <= 30 else "31_60" if age <= 60 else "over_60"
        amount = money(order["grand_total"])
        row["unfunded_commitment_changes"] += amount
        row[f"unfunded_{bucket}_days"] += amount
        row["unfunded_change_order_count"] += 1
    for order in change_orders(company, as_of).values():
        if order["days_pending"] is None:
            continue
        row = result[order["project_id"]]
        row["oldest_pending_days"] = max(row["oldest_pending_days"] or 0, order["days_pending"])
    return result


def project_financials(company: Company, as_of: date) -> dict[int, Record]:
    """Budget totals, contract value, margin and percent complete per project."""
    result: dict[int, Record] = {}
    for project_id in _project_ids(company):
        result[project_id] = defaultdict(lambda: ZERO)
    for line in budget_lines(company).values():
        row = result[line["project_id"]]
        for column in (*BUDGET_COLUMNS.values(), "forecast_to_complete", "uncommitted_budget"):
            row[column] += line[column]
    for contract in live(company.rows("prime_contracts")):
        row = result[contract["_project_id"]]
        original = sum(
            (
                money(line["amount"])
                for line in company.children("prime_contract_line_items", contract["id"])
            ),
            ZERO,
        )
        row["original_contract_value"] += original
        row["approved_contract_changes"] += money(contract["approved_change_orders"])
    for row in result.values():
        row["revised_contract_value"] = (
            row["original_contract_value"] + row["approved_contract_changes"]
        )
        row["projected_margin"] = (
            row["revised_contract_value"] - row["estimated_cost_at_completion"]
        )
        eac = row["estimated_cost_at_completion"]
        row["percent_complete"] = (
            None if eac == 0 else min(float(row["job_to_date_costs"] / eac), 1.0)
        )
    return result


def rfi_buckets(
    company: Company, as_of: date, buckets: list[tuple[int, int | None, str]]
) -> dict[tuple[int, str], int]:
    """Open live RFIs per (project, aging bucket), zero counts included."""
    counts = {
        (project_id, name): 0 for project_id in _project_ids(company) for _, _, name in buckets
    }
    for project_id in _project_ids(company):
        for rfi in live(company.project_rows("rfis", project_id)):
            if rfi["status"] != "open":
                continue
            days = (as_of - _day(rfi["initiated_at"])).days
            for low, high, name in buckets:
                if days >= low and (high is None or days <= high):
                    counts[(project_id, name)] += 1
    return counts
