"""The Direct Costs and Invoicing tools: direct costs and subcontractor requisitions.

Direct costs (invoices, expenses, payroll) are booked straight to the budget; approved
subcontracts bill monthly requisitions. The ``advance`` steps add, approve and delete direct
costs and approve and bill requisitions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from ..common import Record, short_ref, weighted
from .context import (
    DAY,
    SIZES,
    _BudgetCode,
    _cents,
    _day,
    _epoch,
    _line,
    _money,
    _money2,
    _parse_ts,
    _Project,
    _Sizes,
    _ts,
    _when,
)
from .contracts import COMMITTED_WO_STATUSES, _committed

DC_DESCRIPTIONS = {
    "labor": ("Field labor", "Carpenter crew", "Laborer crew", "Superintendent time"),
    "material": ("Lumber delivery", "Concrete blocks", "Fasteners", "Sealants"),
    "equipment": ("Crane rental", "Lift rental", "Generator rental", "Dumpster rental"),
    "other": ("Permit fee", "Printing", "Site security", "Temporary power"),
    "commitment": ("Small sub invoice",),
}
# Direct costs count in the budget once submitted: Procore's Direct Costs source column takes
# pending, revise-and-resubmit and approved ones and leaves drafts out [INFERRED from the
# support FAQ on budget source columns; the reference does not say].
COUNTED_DIRECT_COST_STATUSES = frozenset({"pending", "revise_and_resubmit", "approved"})


def _direct_costs(
    ctx: _Project, rng: random.Random, sizes: _Sizes, out: dict[str, list[Record]]
) -> None:
    """Invoices, expenses and payroll booked straight to the budget."""
    count = rng.randint(*sizes.direct_costs)
    codes = [c for c in ctx.budget_codes if c.type_base != "commitment"] or ctx.budget_codes
    spent = sum(c.budget_cents for c in codes) * _progress(ctx) * rng.uniform(0.8, 1.05)
    average = max(20_000, int(spent / max(count, 1)))
    times = sorted(_when(rng, ctx.start, ctx.end) for _ in range(count))
    for created in times:
        _direct_cost(ctx, rng, sizes, codes, average, created, None, out)


def _progress(ctx: _Project) -> float:
    if not ctx.active:
        return 1.0
    return min(0.95, max(0.02, (ctx.end - ctx.start) / max(ctx.completion - ctx.start, DAY)))


def _direct_cost(
    ctx: _Project,
    rng: random.Random,
    sizes: _Sizes,
    codes: list[_BudgetCode],
    average: int,
    created: int,
    since: int | None,
    out: dict[str, list[Record]],
) -> Record:
    ids = ctx.company.ids
    cost_id = ids.take("direct_cost")
    kind = weighted(rng, (("invoice", 55), ("expense", 25), ("payroll", 20)))
    age = ctx.end - created
    if not ctx.active:
        status = "approved"
    elif since is not None or age < 7 * DAY:
        status = weighted(rng, (("draft", 35), ("pending", 45), ("revise_and_resubmit", 5),
                             ("approved", 15)))  # fmt: skip
    elif age < 30 * DAY:
        status = weighted(rng, (("pending", 40), ("approved", 55), ("revise_and_resubmit", 5)))
    else:
        status = weighted(rng, (("approved", 96), ("pending", 3), ("revise_and_resubmit", 1)))
    holder = {"id": cost_id, "holder_type": "DirectCost"}
    stamp = _ts(created)
    total = 0
    count = rng.randint(*sizes.dc_lines)
    for position in range(1, count + 1):
        code = rng.choice(codes)
        cents = max(5_000, int(round(average / count * rng.uniform(0.3, 1.7), -1)))
        total += cents
        description = rng.choice(DC_DESCRIPTIONS[code.type_base])
        out["direct_cost_line_items"].append(
            _line(ctx, ids.take("contract_line_item"), holder, code, position, description, 1,
                  cents, "LS", stamp)
        )  # fmt: skip
    received = created - rng.randint(0, 3) * DAY
    paid = status == "approved" and age > 20 * DAY
    employee = rng.choice(ctx.company.roles["field_staff"]) if kind == "payroll" else None
    vendor = None if kind == "payroll" else rng.choice(ctx.company.vendors)
    record = {
        "_project_id": ctx.id,
        "id": cost_id,
        "direct_cost_type": kind,
        "status": status,
        "invoice_number": f"INV-{rng.randint(1000, 99999)}" if kind == "invoice" else None,
        "direct_cost_date": _day(received),
        "received_date": _day(created),
        "payment_date": _day(_when(rng, created + 10 * DAY, min(created + 35 * DAY, ctx.end)))
        if paid
        else None,
        "terms": "Net 30" if kind == "invoice" else None,
        "description": DC_DESCRIPTIONS[codes[0].type_base][0] if kind == "payroll" else "",
        "amount": _money(total),
        "grand_total": _money(total),
        "vendor": vendor["name"] if vendor else None,
        "vendor_id": vendor["id"] if vendor else None,
        "vendor_name": vendor["name"] if vendor else None,
        "employee": short_ref(employee) if employee else None,
        "origin_id": None,
        "currency_configuration": {
            "currency_iso_code": "USD",
            "currency_exchange_rate": "1.0",
            "base_currency_iso_code": "USD",
        },
        "created_at": stamp,
        "updated_at": stamp,
        "deleted_at": None,
    }
    if kind == "payroll":
        record["description"] = f"Payroll week of {_day(received)}"
    out["direct_costs"].append(record)
    return record


def _requisitions(
    ctx: _Project,
    rng: random.Random,
    commitment: Record,
    out: dict[str, list[Record]],
    since: int | None,
) -> None:
    """Monthly subcontractor invoices of an approved subcontract."""
    if commitment["_kind"] != "WO" or commitment["status"] not in COMMITTED_WO_STATUSES:
        return
    executed = _epoch(date.fromisoformat(commitment["execution_date"]))
    period_start = executed
    number = 0
    completed = 0
    earned_before = 0
    previous_id = None
    contract_cents = commitment["_total_cents"] + ctx.approved_co_cents.get(commitment["id"], 0)
    months = max(1, int((ctx.end - executed) / (30 * DAY)))
    while period_start + 30 * DAY <= ctx.end:
        period_end = period_start + 30 * DAY - DAY
        number += 1
        last = period_start + 60 * DAY > ctx.end
        if not ctx.active and last:
            target = contract_cents
        else:
            target = min(contract_cents, int(round(contract_cents * number / (months + 2), -2)))
        requisition = _requisition(
            ctx, rng, commitment, number, period_start, period_end, completed, target,
            earned_before, previous_id, last,
        )  # fmt: skip
        out["requisitions"].append(requisition)
        completed = target
        earned_before = requisition["_earned_cents"]
        previous_id = requisition["id"]
        period_start = period_end + DAY


def _requisition(
    ctx: _Project,
    rng: random.Random,
    commitment: Record,
    number: int,
    period_start: int,
    period_end: int,
    completed_before: int,
    completed: int,
    earned_before: int,
    previous_id: int | None,
    last: bool,
    created: int | None = None,
) -> Record:
    submitted = created if created is not None else _when(
        rng, period_end, min(period_end + 5 * DAY, ctx.end))  # fmt: skip
    if not ctx.active or not last:
        status = "approved"
    else:
        status = weighted(
            rng,
            (
                ("draft", 20),
                ("under_review", 45),
                ("revise_and_resubmit", 10),
                ("pending_owner_approval", 15),
                ("approved_as_noted", 10),
            ),
        )
    retainage = completed // 10
    earned = completed - retainage
    original = commitment["_total_cents"]
    change = ctx.approved_co_cents.get(commitment["id"], 0)
    contract = original + change
    paid = status == "approved"
    updated = _when(rng, submitted, min(submitted + 20 * DAY, ctx.end))
    if created is not None:
        updated = created
    payment = _day(updated) if paid else None
    vendor = commitment["_vendor"]
    record = {
        "_project_id": ctx.id,
        "_earned_cents": earned,
        "_completed_cents": completed,
        "id": ctx.company.ids.take("requisition"),
        "number": number,
        "invoice_number": str(number),
        "invoice_type": "requisition",
        "status": status,
        "erp_status": "not_synced",
        "final": False,
        "deletable": status == "draft",
        "project_id": ctx.id,
        "commitment_id": commitment["id"],
        "commitment_type": "WorkOrderContract",
        "contract_name": commitment["title"],
        "vendor_id": vendor["id"],
        "vendor_name": vendor["name"],
        "period_id": ctx.id * 1000 + number,
        "billing_date": _day(period_end),
        "requisition_start": _day(period_start),
        "requisition_end": _day(period_end),
        "payment_date": payment,
        "submitted_at": None if status == "draft" else _ts(submitted),
        "percent_complete": f"{(completed * 100 / contract if contract else 0):.2f}%",
        "total_claimed_amount": _money2(completed - completed_before),
        "origin_id": None,
        "previous_requisition_id": previous_id,
        "electronic_signature_id": None,
        "move_materials_to_previous_work_completed": False,
        "summary_text": {
            "project_name": ctx.project["name"],
            "project_number": ctx.project["project_number"],
            "to_general_contractor": ctx.company_ref["name"],
            "requisition_period_start": _day(period_start),
            "requisition_period_end": _day(period_end),
            "subcontractor_name": vendor["name"],
            "application_number": str(number),
            "contract_for": commitment["title"],
            "contract_date": commitment["contract_date"],
        },
        "summary": {
            "original_contract_sum": _money2(original),
            "net_change_by_change_orders": _money2(change),
            "contract_sum_to_date": _money2(contract),
            "total_completed_and_stored_to_date": _money2(completed),
            "completed_work_retainage_percent": "10.00",
            "completed_work_retainage_amount": _money2(retainage),
            "stored_materials_retainage_percent": "10.00",
            "stored_materials_retainage_amount": "0.00",
            "total_retainage": _money2(retainage),
            "total_earned_less_retainage": _money2(earned),
            "less_previous_certificates_for_payment": _money2(earned_before),
            "current_payment_due": _money2(earned - earned_before),
            "balance_to_finish_including_retainage": _money2(contract - earned),
        },
        "created_by": {
            "id": ctx.manager["id"],
            "name": ctx.manager["name"],
            "login": ctx.manager["login"],
            "company_name": ctx.company_ref["name"],
        },
        "custom_fields": {},
        "currency_configuration": ctx.currency,
        "attachments": [],
        # The default view leaves the 40-field SOV rows out; view=items adds them.
        "items": [],
        "item_packages": [],
        "created_at": _ts(min(submitted, period_end + DAY)),
        "updated_at": _ts(updated),
    }
    return record


def _advance_direct_costs(
    ctx: _Project,
    rng: random.Random,
    moment: Callable[[], int],
    start: int,
    days: float,
    elapsed: float,
    chance: float,
    out: dict[str, list[Record]],
    removed: dict[str, set[int]],
) -> None:
    """Direct costs: new ones, pending ones approved, a few drafts deleted for good."""
    company = ctx.company
    pid = ctx.id
    costs = company.project_rows("direct_costs", pid)
    count = max(1, round(len(costs) / elapsed * days * rng.uniform(0.7, 1.3)))
    codes = [c for c in ctx.budget_codes if c.type_base != "commitment"] or ctx.budget_codes
    lines = company.project_rows("direct_cost_line_items", pid)
    average = sum(_cents(line["amount"]) for line in lines) // max(1, len(costs))
    sizes = SIZES[company.scale]
    for _ in range(count):
        _direct_cost(ctx, rng, sizes, codes, max(20_000, average), moment(), start, out)
    drafts = []
    for cost in costs:
        if cost["status"] == "draft":
            drafts.append(cost)
        elif cost["status"] in {"pending", "revise_and_resubmit"} and rng.random() < chance:
            when = max(moment(), _parse_ts(cost["created_at"]))
            cost["status"] = "approved"
            cost["updated_at"] = _ts(when)
    drafts += [c for c in out["direct_costs"] if c["_project_id"] == pid and c["status"] == "draft"]
    for cost in drafts[: rng.randint(1, 2)]:
        removed["direct_costs"].add(cost["id"])
        removed["direct_cost_line_items"].add(cost["id"])  # by _parent_id


def _advance_requisitions(
    ctx: _Project,
    rng: random.Random,
    moment: Callable[[], int],
    start: int,
    chance: float,
    out: dict[str, list[Record]],
) -> None:
    """Requisitions: the open one gets approved and paid, a new period gets billed."""
    company = ctx.company
    pid = ctx.id
    clock = ctx.clock
    by_commitment: dict[int, list[Record]] = defaultdict(list)
    for requisition in company.project_rows("requisitions", pid):
        by_commitment[requisition["commitment_id"]].append(requisition)
    for contract in company.project_rows("work_order_contracts", pid):
        if not _committed(contract):
            continue
        history = by_commitment[contract["id"]]
        last = max(history, key=lambda r: r["number"]) if history else None
        if last is not None and last["status"] != "approved" and rng.random() < chance:
            when = max(moment(), _parse_ts(last["created_at"]))
            last["status"] = "approved"
            last["deletable"] = False
            last["submitted_at"] = last["submitted_at"] or _ts(when)
            last["payment_date"] = _day(when)
            last["updated_at"] = _ts(when)
        period_start = (
            _epoch(date.fromisoformat(last["requisition_end"])) + DAY
            if last
            else _epoch(date.fromisoformat(contract["execution_date"]))
        )
        period_end = period_start + 29 * DAY
        if period_end + DAY > clock:
            continue
        created = _when(rng, max(start + 1, period_end + DAY), clock)
        contract_cents = contract["_total_cents"] + ctx.approved_co_cents.get(contract["id"], 0)
        before = last["_completed_cents"] if last else 0
        done = min(
            contract_cents, before + int(round(contract_cents * rng.uniform(0.03, 0.12), -2))
        )
        requisition = _requisition(
            ctx, rng, contract, (last["number"] if last else 0) + 1, period_start, period_end,
            before, done, last["_earned_cents"] if last else 0, last["id"] if last else None,
            True, created=created,
        )  # fmt: skip
        out["requisitions"].append(requisition)
