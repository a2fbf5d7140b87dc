"""Generating and advancing the financials: every project, tool by tool.

``generate_financials`` makes the company-wide lists, then each project's cost codes,
budget, prime contract, commitments, change events and orders, direct costs and
requisitions, and derives contract totals and budget rows. ``advance_financials`` rebuilds
each active project's context from its records and runs each tool's ``advance`` step in a
fixed order on one random stream, so the same seed and clock give the same records.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime

from ..common import Company, Record
from .budget import _budget, compute_budget_rows
from .change_events import (
    CHANGE_REASONS,
    CHANGE_TYPES,
    _ce_status_refs,
    _change_events,
    _new_change_events,
)
from .change_orders import _bundle_pending_pcos, _decide_packages
from .context import (
    DAY,
    SIZES,
    _BudgetCode,
    _cents,
    _epoch,
    _Project,
    _when,
)
from .contracts import (
    _commitments,
    _committed,
    _prime_contract,
    _rebuild_commitments,
    _sign_commitments,
    refresh_contract_totals,
)
from .cost_codes import DIVISIONS, LINE_ITEM_TYPES, _cost_codes
from .costs import _advance_direct_costs, _advance_requisitions, _direct_costs, _requisitions

# Where each object type's ids start.
ID_BASES = {
    "line_item_type": 72_051,
    "change_reason": 3,
    "change_type": 201,
    "change_event_status": 1_001,
    "cost_code": 124_663_001,
    "wbs_code": 182_877_001,
    "wbs_segment_item": 3_400_001,
    "budget_view": 10_223,
    "budget_line_item": 2_241_760,
    "budget_forecast": 1_900_001,
    "budget_column": 40_001,
    "prime_contract": 9_001,
    "commitment": 786_001,
    "contract_line_item": 5_175_960,
    "change_event": 812,
    "change_event_line_item": 9_911,
    "potential_change_order": 4_001,
    "change_order_request": 3_001,
    "change_order_package": 6_001,
    "change_order": 7_001,
    "direct_cost": 4_401,
    "requisition": 1_280_646,
}


def _company_lists(company: Company) -> Record:
    """Company-wide lists (cost types, change reasons and types), made once."""
    ids = company.ids
    cid = company.company_id
    line_item_types = [
        {"id": ids.take("line_item_type"), "name": name, "code": code, "base_type": base,
         "origin_id": None, "origin_data": None}
        for name, code, base in LINE_ITEM_TYPES
    ]  # fmt: skip
    reasons = [
        {"id": ids.take("change_reason"), "company_id": cid, "change_reason": reason,
         "show_in_select": True}
        for reason in CHANGE_REASONS
    ]  # fmt: skip
    types = [
        {"id": ids.take("change_type"), "change_type": name, "abbreviation": abbreviation,
         "company_id": cid, "show_in_select": True}
        for name, abbreviation in CHANGE_TYPES
    ]  # fmt: skip
    return {"line_item_types": line_item_types, "reasons": reasons, "types": types}


def generate_financials(company: Company, rng: random.Random) -> None:
    """Add the financial records of every project to ``company``.

    Args:
        company: The company; its projects, users, roles and vendors already exist.
        rng: This domain's own random stream.
    """
    _generate_financials(company, rng)


def _generate_financials(company: Company, rng: random.Random) -> None:
    company.ids.register_all(ID_BASES)
    lists = _company_lists(company)
    company.add("line_item_types", lists["line_item_types"])
    company.add("change_order_change_reasons", lists["reasons"])
    company.add("change_types", lists["types"])
    shared = {
        "company_ref": {"id": company.company_id, "name": company.company["name"]},
        "currency": {"currency_iso_code": "USD"},
        "lists": lists,
        "vendors_by_trade": _vendors_by_trade(company.vendors),
    }
    out: dict[str, list[Record]] = defaultdict(list)
    for index, project in enumerate(company.projects):
        ctx = _Project(company, project, shared)
        # One in three projects runs three change order tiers on the prime side (PCO → COR →
        # PCCO); the rest Procore's default two. Commitments always use two tiers, the only
        # setup the commitment_change_orders list supports
        # (docs/procore-api.md#change-management).
        ctx.three_tier = index % 3 == 1
        _generate_project(ctx, rng, shared, out)
    for key, records in out.items():
        company.add(key, records)
    for project in company.projects:
        refresh_contract_totals(company, project["id"], None)
        compute_budget_rows(company, project["id"])
    _rebuild_commitments(company)


def _vendors_by_trade(vendors: list[Record]) -> dict[str | None, list[Record]]:
    by_trade: dict[str | None, list[Record]] = defaultdict(list)
    for vendor in vendors:
        for _, _, trade, _ in DIVISIONS:
            if trade and trade in vendor["name"]:
                by_trade[trade].append(vendor)
    by_trade[None] = list(vendors)
    return by_trade


def _generate_project(
    ctx: _Project, rng: random.Random, shared: Record, out: dict[str, list[Record]]
) -> None:
    company = ctx.company
    sizes = SIZES[company.scale]
    managers = company.roles["managers"]
    ctx.manager = rng.choice(managers)
    setup = _when(rng, ctx.start - 30 * DAY, ctx.start - DAY)
    _cost_codes(ctx, rng, shared, sizes, setup, out)
    _budget(ctx, rng, setup, out)
    prime = _prime_contract(ctx, rng, setup, out)
    commitments = _commitments(ctx, rng, shared, sizes, out)
    _change_events(ctx, rng, shared, sizes, prime, commitments, out)
    _direct_costs(ctx, rng, sizes, out)
    for commitment in commitments:
        _requisitions(ctx, rng, commitment, out, since=None)


def _load_project(company: Company, project: Record, shared: Record) -> _Project:
    """Rebuild a project's generation context from its records, for ``advance``."""
    ctx = _Project(company, project, shared)
    pid = ctx.id
    users = {user["id"]: user for user in company.users}
    view = company.project_rows("budget_views", pid)[0]
    ctx.manager = users.get(view["created_by"]["id"]) or company.roles["managers"][0]
    codes = {code["id"]: code for code in company.project_rows("cost_codes", pid)}
    types = {t["id"]: t for t in company.rows("line_item_types")}
    budgets = {
        row["wbs_code_id"]: row for row in company.project_rows("budget_view_detail_rows", pid)
    }
    for wbs in company.project_rows("wbs_codes", pid):
        cost_code = codes[wbs["_cost_code_id"]]
        division = codes[cost_code["parent"]["id"]]
        code = _BudgetCode(cost_code, division, types[wbs["_line_item_type_id"]], wbs)
        code.budget_cents = _cents(budgets[wbs["id"]]["original_budget_amount"])
        ctx.add_code(code)
    for resource in ("work_order_contracts", "purchase_order_contracts"):
        for contract in company.project_rows(resource, pid):
            if _committed(contract):
                for line in company.children(f"{resource[:-1]}_line_items", contract["id"]):
                    ctx.commitment_of[(line["cost_code"]["id"], line["line_item_type"]["id"])] = (
                        contract
                    )
    ctx.ce_statuses = _ce_status_refs(company.project_rows("change_event_statuses", pid))
    for event in company.project_rows("change_events", pid):
        ctx.events_by_id[event["id"]] = event
        ctx.ce_number = max(ctx.ce_number, event["number"])
    primes = {p["id"] for p in company.project_rows("prime_contracts", pid)}
    for pco in company.project_rows("potential_change_orders", pid):
        if pco["contract_id"] in primes:
            ctx.prime_pco_number = max(ctx.prime_pco_number, int(pco["number"]))
    for package in company.project_rows("change_order_packages", pid):
        if package["contract_id"] in primes:
            ctx.prime_cop_number = max(ctx.prime_cop_number, int(package["number"]))
        else:
            ctx.cco_numbers[package["contract_id"]] = max(
                ctx.cco_numbers.get(package["contract_id"], 0), int(package["number"])
            )
    for cor in company.project_rows("change_order_requests", pid):
        ctx.cor_number = max(ctx.cor_number, int(cor["number"]))
    ctx.three_tier = any(
        pco["change_order_tiers"] == 3
        for pco in company.project_rows("potential_change_orders", pid)
    )
    for order in company.project_rows("commitment_change_orders", pid):
        if order["status"] == "approved":
            ctx.approved_co_cents[order["contract_id"]] += _cents(order["grand_total"])
    return ctx


def advance_financials(company: Company, rng: random.Random, since: datetime) -> None:
    """Let the financials of every active project live from ``since`` to ``company.clock``.

    New change events (some priced at once), PCOs moving through the shared status enum,
    packages and commitment change orders approved or rejected, commitments executed,
    new direct costs and monthly requisitions; a few records soft-deleted (``deleted_at``, on
    resources with ``filters[include_deleted]``) and a few draft direct costs
    hard-deleted. Every touched record gets ``updated_at`` in ``(since, clock]``. Contract
    totals and budget rows are recomputed afterwards.

    Args:
        company: The company, whose clock has already moved forward from ``since``.
        rng: This domain's random stream for this advance.
        since: The clock before the advance.
    """
    lists = {
        "line_item_types": company.rows("line_item_types"),
        "reasons": company.rows("change_order_change_reasons"),
        "types": company.rows("change_types"),
    }
    shared = {
        "company_ref": {"id": company.company_id, "name": company.company["name"]},
        "currency": {"currency_iso_code": "USD"},
        "lists": lists,
        "vendors_by_trade": _vendors_by_trade(company.vendors),
    }
    start = _epoch(since)
    clock = _epoch(company.clock)
    days = (clock - start) / DAY
    chance = min(0.9, days / 20)
    out: dict[str, list[Record]] = defaultdict(list)
    removed: dict[str, set[int]] = defaultdict(set)
    active = [p for p in company.projects if p["active"]]
    for project in active:
        ctx = _load_project(company, project, shared)
        if not ctx.budget_codes:
            continue
        _advance_project(ctx, rng, shared, start, days, chance, out, removed)
    for resource, ids in removed.items():
        company.records[resource] = [
            r
            for r in company.rows(resource)
            if r["id"] not in ids and r.get("_parent_id") not in ids
        ]
    for resource, records in out.items():
        company.add(resource, records)
    company.invalidate()
    for project in active:
        refresh_contract_totals(company, project["id"], rng, since)
        compute_budget_rows(company, project["id"])
    _rebuild_commitments(company)


def _advance_project(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    start: int,
    days: float,
    chance: float,
    out: dict[str, list[Record]],
    removed: dict[str, set[int]],
) -> None:
    """One active project's financials through the window, tool by tool, in a fixed order."""
    company = ctx.company
    pid = ctx.id
    clock = ctx.clock

    def moment() -> int:
        return _when(rng, start + 1, clock)

    elapsed = max(1.0, (start - ctx.start) / DAY)
    prime = company.project_rows("prime_contracts", pid)[0]
    pcos = company.project_rows("potential_change_orders", pid)

    # Decisions on existing change orders come first: they were raised before ``since``.
    _decide_packages(ctx, rng, moment, chance, prime, pcos)
    _bundle_pending_pcos(ctx, rng, moment, chance, start, prime, pcos, out)
    _sign_commitments(ctx, rng, moment, chance)
    _new_change_events(ctx, rng, shared, moment, start, days, elapsed, prime, pcos, out)
    _advance_direct_costs(ctx, rng, moment, start, days, elapsed, chance, out, removed)
    _advance_requisitions(ctx, rng, moment, start, chance, out)
