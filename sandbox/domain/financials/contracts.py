"""The Prime Contracts and Commitments tools: the owner contract, subcontracts and POs.

The prime contract with its schedule of values, subcontracts (work orders) and purchase
orders, their derived totals and the union commitments list; the ``advance`` step gets
commitments signed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from ..common import Company, Record, user_ref, weighted
from .change_orders import PENDING_STATUSES
from .context import (
    DAY,
    _BudgetCode,
    _cents,
    _day,
    _epoch,
    _line,
    _money,
    _parse_ts,
    _Project,
    _Sizes,
    _ts,
    _when,
)

SOV_PHASES = ("Mobilization", "Level 1", "Level 2", "Level 3", "Roof", "Site", "Closeout",
              "Materials", "Submittals", "Punch list")  # fmt: skip
# Commitments count as Committed Costs once approved (the Standard Budget view counts
# "approved commitments"). Procore also counts a subcontract that is Complete and a purchase
# order that is (partially) received or closed: the work was bought. Draft, bidding,
# signature and void statuses are not committed.
COMMITTED_WO_STATUSES = frozenset({"Approved", "Complete"})
COMMITTED_PO_STATUSES = frozenset({"Approved", "Partially Received", "Received", "Closed"})
_NULL_DATES = (
    "actual_completion_date", "contract_termination_date", "approval_letter_date",
    "issued_on_date", "letter_of_intent_date", "returned_date",
)  # fmt: skip


def _prime_contract(
    ctx: _Project, rng: random.Random, setup: int, out: dict[str, list[Record]]
) -> Record:
    """The owner contract with one schedule-of-values line per budget code."""
    ids = ctx.company.ids
    people = ctx.company.roles
    prime_id = ids.take("prime_contract")
    created = _when(rng, ctx.start - 45 * DAY, setup)
    executed = _when(rng, created, ctx.start)
    owner = rng.choice(ctx.company.vendors)
    holder = {"id": prime_id, "holder_type": "PrimeContract"}
    lines = []
    total = 0
    stamp = _ts(created)
    for position, code in enumerate(ctx.budget_codes, start=1):
        # The owner pays budget plus fee (grand_total is the SOV total).
        cents = int(round(code.budget_cents * rng.uniform(1.04, 1.09), -2))
        total += cents
        lines.append(_line(ctx, ids.take("contract_line_item"), holder, code, position,
                           code.cost_code["name"], 1, cents, "LS", stamp))  # fmt: skip
    out["prime_contract_line_items"].extend(lines)
    contract = {
        "_project_id": ctx.id,
        "id": prime_id,
        "number": "1",
        "title": f"{ctx.project['name']} Owner Contract",
        "description": "",
        "status": "Approved" if ctx.active else "Complete",
        "executed": True,
        "private": False,
        "show_line_items_to_non_admins": False,
        "accounting_method": "amount",
        "grand_total": _money(total),
        "approved_change_orders": "0.0",
        "retainage_percent": "10.0",
        "contract_date": _day(created),
        "contract_start_date": ctx.project["start_date"],
        "contract_estimated_completion_date": ctx.project["completion_date"],
        "execution_date": _day(executed),
        "signed_contract_received_date": _day(executed),
        "inclusions": "",
        "exclusions": "",
        "origin_id": None,
        "origin_code": None,
        "origin_data": None,
        "architect": user_ref(rng.choice(people["reviewers"])),
        "created_by": user_ref(ctx.manager),
        "contractor": {
            "id": ctx.company_ref["id"],
            "name": ctx.company_ref["name"],
            "is_active": True,
        },
        "vendor": {
            "id": owner["id"],
            "name": owner["name"],
            "is_active": bool(owner.get("is_active", True)),
        },
        "attachments": [],
        "currency_configuration": ctx.currency,
        "created_at": stamp,
        "updated_at": _ts(executed),
        "deleted_at": None,
    }
    for key in _NULL_DATES:
        contract[key] = None
    if not ctx.active:
        contract["actual_completion_date"] = ctx.project["completion_date"]
    out["prime_contracts"].append(contract)
    return contract


def _commitments(
    ctx: _Project, rng: random.Random, shared: Record, sizes: _Sizes, out: dict[str, list[Record]]
) -> list[Record]:
    """Subcontracts (work orders) per trade and purchase orders for materials."""
    groups: dict[tuple[str, int], list[_BudgetCode]] = defaultdict(list)
    for code in ctx.budget_codes:
        if code.type_base == "commitment":
            groups[("WO", code.division["id"])].append(code)
        elif code.type_base == "material" and rng.random() < 0.7:
            groups[("PO", code.division["id"])].append(code)
    commitments = []
    for number, ((kind, _), codes) in enumerate(sorted(groups.items()), start=1):
        trade = codes[0].division.get("_trade")
        vendor = rng.choice(shared["vendors_by_trade"].get(trade) or ctx.company.vendors)
        commitments.append(_commitment(ctx, rng, sizes, kind, number, codes, vendor, None, out))
    return commitments


def _commitment(
    ctx: _Project,
    rng: random.Random,
    sizes: _Sizes,
    kind: str,
    number: int,
    codes: list[_BudgetCode],
    vendor: Record,
    since: int | None,
    out: dict[str, list[Record]],
) -> Record:
    ids = ctx.company.ids
    cid = ids.take("commitment")
    span = max(ctx.end - ctx.start, DAY)
    if since is None:
        created = _when(rng, ctx.start - 20 * DAY, ctx.start + int(span * 0.35))
        created = min(created, ctx.end)
    else:
        created = _when(rng, since + 1, ctx.clock)
    age_days = (ctx.end - created) / DAY
    if not ctx.active:
        status = "Complete" if kind == "WO" else "Closed"
    elif age_days > 25 and since is None:
        status = weighted(rng, (("Approved", 92), ("Complete", 4), ("Terminated", 1),
                             ("Void", 1), ("Out For Signature", 2))) if kind == "WO" else weighted(
            rng, (("Approved", 60), ("Partially Received", 15), ("Received", 15),
                  ("Closed", 8), ("Submitted", 2)))  # fmt: skip
    else:
        status = (
            weighted(rng, (("Draft", 40), ("Out For Bid", 20), ("Out For Signature", 40)))
            if (kind == "WO")
            else weighted(rng, (("Draft", 50), ("Processing", 25), ("Submitted", 25)))
        )
    committed = status in (COMMITTED_WO_STATUSES if kind == "WO" else COMMITTED_PO_STATUSES)
    executed_at = _when(rng, created, min(created + 20 * DAY, ctx.end)) if committed else None
    resource = "work_order_contracts" if kind == "WO" else "purchase_order_contracts"
    holder = {"id": cid, "holder_type": "WorkOrderContract" if kind == "WO" else
              "PurchaseOrderContract"}  # fmt: skip
    stamp = _ts(created)
    total = 0
    position = 0
    lines = []
    for code in codes:
        share = int(round(code.budget_cents * rng.uniform(0.86, 1.02), -2))
        parts = rng.randint(*sizes.sov_lines) if kind == "WO" else 1
        remaining = share
        for part in range(parts):
            position += 1
            cents = remaining if part == parts - 1 else int(round(share / parts, -2))
            remaining -= cents
            if kind == "PO":
                unit = max(100, int(round(cents / rng.choice((10, 20, 40, 50, 100)), -2)))
                quantity = max(1, cents // unit)
                uom, description = "EA", f"{code.cost_code['name']} material"
            else:
                unit, quantity, uom = cents, 1, "LS"
                description = f"{code.cost_code['name']} - {SOV_PHASES[part % len(SOV_PHASES)]}"
            total += quantity * unit
            lines.append(_line(ctx, ids.take("contract_line_item"), holder, code, position,
                               description, quantity, unit, uom, stamp))  # fmt: skip
    out[f"{resource[:-1]}_line_items"].extend(lines)
    title = f"{codes[0].division['name']} {'Subcontract' if kind == 'WO' else 'Purchase Order'}"
    record: Record = {
        "_project_id": ctx.id,
        "_kind": kind,
        "id": cid,
        "number": f"{'SC' if kind == 'WO' else 'PO'}-{number:03d}",
        "title": title,
        "description": "",
        "status": status,
        "executed": executed_at is not None,
        "private": kind == "WO",
        "accounting_method": "amount" if kind == "WO" else "unit",
        "grand_total": _money(total),
        "approved_change_orders": "0.0",
        "pending_change_orders": "0.0",
        "draft_change_orders_amount": "0.0",
        "revised_contract": _money(total),
        "pending_revised_contract": _money(total),
        "total_payments": "0.0",
        "percentage_paid": "0.00",
        "remaining_balance_outstanding": _money(total),
        "retainage_percent": "10.0" if kind == "WO" else "0.0",
        "total_requisitions_amount": "0.0",
        "total_draw_requests_amount": "0.0",
        "requisitions_are_enabled": kind == "WO",
        "contract_date": _day(created),
        "contract_start_date": _day(max(created, ctx.start)),
        "contract_estimated_completion_date": ctx.project["completion_date"],
        "execution_date": _day(executed_at) if executed_at else None,
        "signed_contract_received_date": _day(executed_at) if executed_at else None,
        "inclusions": "",
        "exclusions": "",
        "origin_id": None,
        "origin_code": None,
        "origin_data": None,
        "show_line_items_to_non_admins": False,
        "project": ctx.ref,
        "vendor": {"id": vendor["id"], "company": vendor["name"]},
        "currency_configuration": ctx.currency,
        "created_at": stamp,
        "updated_at": _ts(executed_at or created),
        "deleted_at": None,
        "_vendor": {"id": vendor["id"], "name": vendor["name"]},
        "_total_cents": total,
    }
    for key in _NULL_DATES:
        record[key] = None
    if status in {"Complete", "Closed"}:
        record["actual_completion_date"] = _day(ctx.end)
    if kind == "PO":
        record.update(
            bill_to_address=ctx.company.company["name"],
            ship_to_address=f"{ctx.project['address']}, {ctx.project['city']}",
            ship_via="Ground",
            payment_terms="Net 30",
            delivery_date=_day(min(created + 30 * DAY, ctx.end)) if committed else None,
            assignee={"id": ctx.manager["id"]},
            billing_schedule_of_values_status="approved" if committed else "draft",
        )
    out[resource].append(record)
    if committed:
        for code in codes:
            ctx.commitment_of[code.key] = record
    return record


def _committed(contract: Record) -> bool:
    statuses = COMMITTED_WO_STATUSES if contract["_kind"] == "WO" else COMMITTED_PO_STATUSES
    return contract["deleted_at"] is None and contract["status"] in statuses


def refresh_contract_totals(
    company: Company, project_id: int, rng: random.Random | None, since: datetime | None = None
) -> None:
    """Recompute the change order and invoice totals on a project's contracts.

    A contract whose totals change during ``advance`` is stamped with a new ``updated_at`` in
    ``(since, clock]``; at generation (``since`` is None) nothing is restamped.
    """
    approved: dict[int, int] = defaultdict(int)
    pending: dict[int, int] = defaultdict(int)
    draft: dict[int, int] = defaultdict(int)
    for resource in ("commitment_change_orders", "prime_change_orders"):
        for order in company.project_rows(resource, project_id):
            cents = _cents(order["grand_total"])
            if order["status"] == "approved":
                approved[order["contract_id"]] += cents
            elif order["status"] in PENDING_STATUSES:
                pending[order["contract_id"]] += cents
            elif order["status"] == "draft":
                draft[order["contract_id"]] += cents
    claimed: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    for requisition in company.project_rows("requisitions", project_id):
        if requisition["status"] != "draft":
            claimed[requisition["commitment_id"]] += _cents(requisition["total_claimed_amount"])
        if requisition["payment_date"]:
            paid[requisition["commitment_id"]] += _cents(
                requisition["summary"]["current_payment_due"]
            )
    clock = _epoch(company.clock)
    start = None if since is None else _epoch(since) + 1
    for prime in company.project_rows("prime_contracts", project_id):
        value = _money(approved[prime["id"]])
        if value != prime["approved_change_orders"]:
            prime["approved_change_orders"] = value
            if rng is not None and start is not None:
                prime["updated_at"] = _ts(_when(rng, start, clock))
    for resource in ("work_order_contracts", "purchase_order_contracts"):
        for contract in company.project_rows(resource, project_id):
            cid = contract["id"]
            total = contract["_total_cents"]
            revised = total + approved[cid]
            values = {
                "approved_change_orders": _money(approved[cid]),
                "pending_change_orders": _money(pending[cid]),
                "draft_change_orders_amount": _money(draft[cid]),
                "revised_contract": _money(revised),
                "pending_revised_contract": _money(revised + pending[cid]),
                "total_payments": _money(paid[cid]),
                "percentage_paid": f"{(paid[cid] * 100 / revised if revised else 0):.2f}",
                "remaining_balance_outstanding": _money(revised - paid[cid]),
                "total_requisitions_amount": _money(claimed[cid]),
            }
            if any(contract[key] != value for key, value in values.items()):
                contract.update(values)
                if rng is not None and start is not None:
                    contract["updated_at"] = _ts(_when(rng, start, clock))


def _rebuild_commitments(company: Company) -> None:
    """The union commitments list: live subcontracts and purchase orders, by project."""
    rows = []
    for project in company.projects:
        for resource in ("work_order_contracts", "purchase_order_contracts"):
            for contract in company.project_rows(resource, project["id"]):
                if contract["deleted_at"] is not None:
                    continue  # the union list has no include_deleted filter
                rows.append(
                    {
                        "_project_id": project["id"],
                        "id": contract["id"],
                        "title": contract["title"],
                        "number": contract["number"],
                        "status": contract["status"],
                        "description": contract["description"],
                        "executed": contract["executed"],
                        "delivery_date": contract.get("delivery_date"),
                        "private": contract["private"],
                        "vendor": dict(contract["_vendor"]),
                        "created_at": contract["created_at"],
                    }
                )
    rows.sort(key=lambda row: (row["_project_id"], row["id"]))
    company.records["commitments"] = rows
    company.invalidate()


def _sign_commitments(
    ctx: _Project, rng: random.Random, moment: Callable[[], int], chance: float
) -> None:
    """Commitments out for signature get signed."""
    company = ctx.company
    pid = ctx.id
    for resource in ("work_order_contracts", "purchase_order_contracts"):
        for contract in company.project_rows(resource, pid):
            if contract["deleted_at"] is not None or _committed(contract):
                continue
            if contract["status"] in {"Terminated", "Void"}:
                continue
            if contract["status"] in {"Draft", "Out For Bid", "Processing"} and (
                rng.random() < 0.1
            ):
                contract["deleted_at"] = contract["updated_at"] = _ts(moment())
            elif rng.random() < chance:
                when = max(moment(), _parse_ts(contract["created_at"]))
                contract["status"] = "Approved"
                contract["executed"] = True
                contract["execution_date"] = _day(when)
                contract["signed_contract_received_date"] = _day(when)
                contract["updated_at"] = _ts(when)
                if contract["_kind"] == "PO":
                    contract["billing_schedule_of_values_status"] = "approved"
                for line in company.children(f"{resource[:-1]}_line_items", contract["id"]):
                    ctx.commitment_of[(line["cost_code"]["id"], line["line_item_type"]["id"])] = (
                        contract
                    )
