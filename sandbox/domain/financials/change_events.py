"""The Change Events tool: change events, their statuses, reasons and types.

A change event prices its lines and, when it is out of scope or has committed lines,
becomes change orders on the prime and commitment sides (``change_orders``); the
``advance`` step raises new events and voids or deletes some that never became orders.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from ..common import Record, user_ref, weighted
from .change_orders import (
    TERMINAL_STATUSES,
    _commitment_co,
    _package_prime,
    _prime_pco,
    _set_pco_status,
)
from .context import (
    DAY,
    _BudgetCode,
    _money,
    _parse_ts,
    _Project,
    _Sizes,
    _ts,
    _when,
)

CHANGE_REASONS = (
    "Unforeseen Condition", "Owner Request", "Design Error", "Design Omission",
    "Code Requirement", "Value Engineering", "Allowance Reconciliation", "Schedule Recovery",
)  # fmt: skip
CHANGE_TYPES = (
    ("Owner Change", "OC"), ("Design Change", "DC"), ("Field Condition", "FC"),
    ("Allowance", "AL"), ("Contingency", "CT"),
)  # fmt: skip
# change_event/statuses: (name, mapped_to_status).
CHANGE_EVENT_STATUSES = (("Open", "open"), ("Pending", "pending"), ("Closed", "closed"),
                         ("Void", "void"))  # fmt: skip
CE_TOPICS = (
    "Unforeseen rock at grid {g}", "Owner requested added outlets in room 1{n:02d}",
    "Revised footing design at grid {g}", "Upgrade lobby finishes", "Added fire damper at "
    "corridor {n}", "Relocate panel in room 2{n:02d}", "Dewatering at area {n}",
    "Extra blocking for casework level {n}", "Storefront substitution", "Roof drain resizing "
    "area {n}", "Additional rebar at wall {g}", "Owner added signage package",
)  # fmt: skip


def _change_events(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    sizes: _Sizes,
    prime: Record,
    commitments: list[Record],
    out: dict[str, list[Record]],
) -> None:
    """Change events and the change orders they become on both sides."""
    ids = ctx.company.ids
    statuses = []
    for name, mapped in CHANGE_EVENT_STATUSES:
        statuses.append(
            {"_project_id": ctx.id, "id": ids.take("change_event_status"), "name": name,
             "mapped_to_status": mapped, "default_status": name == "Open",
             "show_in_select": True}
        )  # fmt: skip
    out["change_event_statuses"].extend(statuses)
    ctx.ce_statuses = _ce_status_refs(statuses)
    count = rng.randint(*sizes.change_events)
    first = ctx.start + 20 * DAY
    times = sorted(_when(rng, first, ctx.end) for _ in range(count))
    prime_pcos: list[Record] = []
    for created in times:
        _, pco = _change_event(ctx, rng, shared, created, prime, None, out)
        if pco is not None:
            prime_pcos.append(pco)
    _package_prime(ctx, rng, prime, prime_pcos, None, out)


def _ce_status_refs(statuses: list[Record]) -> dict[str, Record]:
    return {
        status["name"]: {"id": status["id"], "name": status["name"],
                         "mapped_to_status": status["mapped_to_status"], "show_in_select": True}
        for status in statuses
    }  # fmt: skip


def _change_event(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    created: int,
    prime: Record,
    since: int | None,
    out: dict[str, list[Record]],
) -> tuple[Record, Record | None]:
    """One change event with its line items, and its prime PCO and commitment COs if any."""
    ids = ctx.company.ids
    lists = shared["lists"]
    creator = ctx.manager
    event_id = ids.take("change_event")
    ctx.ce_number += 1
    number = ctx.ce_number
    age = ctx.end - created
    event_type = weighted(rng, (("owner_change", 45), ("tbd", 15), ("allowance", 10),
                             ("contingency", 15), ("transfer", 15)))  # fmt: skip
    scope = {"owner_change": "out_of_scope", "tbd": "tbd"}.get(event_type, "in_scope")
    reason = rng.choice(lists["reasons"])
    lines = []
    by_contract: dict[int, list[tuple[Record, _BudgetCode, int]]] = defaultdict(list)
    contracts: dict[int, Record] = {}
    priced: list[tuple[Record, _BudgetCode, int]] = []
    stamp = _ts(created)
    for line_number in range(1, rng.randint(1, 4) + 1):
        code = rng.choice(ctx.budget_codes)
        # A change is a few per cent of the line it touches.
        cost = max(50_000, int(round(code.budget_cents * rng.uniform(0.004, 0.05), -2)))
        revenue = int(round(cost * rng.uniform(1.05, 1.15), -2))
        contract = ctx.commitment_of.get(code.key)
        line = {
            "id": ids.take("change_event_line_item"),
            "event_id": event_id,
            "number": None,
            "title": None,
            "status": None,
            "description": f"{code.cost_code['name']} change {line_number}",
            "cost_code_id": code.cost_code["id"],
            "cost_code": code.ce_cost_code,
            "cost_code_biller_name": ctx.project["name"],
            "cost_code_is_budgeted": True,
            "line_item_type_id": code.line_type["id"],
            "line_item_type": code.line_type,
            "budget_code": {**code.wbs_ref, "segment_items": []},
            "uom": "LS",
            "rom": revenue // 100,
            "estimated_cost_amount": _money(cost),
            "estimated_cost_quantity": 1.0,
            "estimated_cost_unit_cost": cost / 100,
            "estimated_cost_calculation_strategy": "manual",
            "commitment_contract_cost": "0.0",
            "commitment_pco_cost": "0.0",
            "prime_pco_cost": 0.0,
            "rfq_amount": 0.0,
            "rfq_sent": None,
            "budget_mod_amount": "0.0",
            "budget_mod": None,
            "contract": None,
            "vendor": None,
            "proposed_vendor_id": None,
            "proposed_contract_id": None,
            "request_for_quote_id": None,
            "biller": {
                "id": ctx.id,
                "name": ctx.project["name"],
                "model_name": "Project",
                "guid": f"project-{ctx.id}",
            },
            "biller_guid": f"project-{ctx.id}",
            "editable": True,
            "deletable": True,
            "links": {
                "edit": None,
                "view": f"https://app.procore.com/{ctx.id}/project/change_events/events/{event_id}",
                "contract": None,
                "commitment_contract_cost": None,
                "commitment_pco_cost": None,
                "rfq_amount": None,
                "rom": None,
                "prime_pco_cost": None,
            },
            "statuses": {
                "contract": None,
                "commitment_contract_cost": None,
                "commitment_contract_tooltip": None,
            },
            "currency_configuration": ctx.currency,
        }
        if contract is not None and contract["deleted_at"] is None:
            line["contract"] = {"id": contract["id"], "number": contract["number"],
                                "title": contract["title"], "name": contract["title"]}  # fmt: skip
            line["vendor"] = dict(contract["_vendor"])
            line["commitment_contract_cost"] = _money(cost)
            by_contract[contract["id"]].append((line, code, cost))
            contracts[contract["id"]] = contract
        priced.append((line, code, revenue))
        lines.append(line)
    event = {
        "_project_id": ctx.id,
        "id": event_id,
        "number": number,
        "alphanumeric_number": f"{number:03d}",
        "title": rng.choice(CE_TOPICS).format(g=rng.choice("ABCDEFGH"), n=rng.randint(1, 9)),
        "description": "",
        "status": "open",
        "event_type": event_type,
        "event_scope": scope,
        "project_id": ctx.id,
        "origin_id": None,
        "origin_data": None,
        "change_event_origin_id": None,
        "change_event_origin_type": None,
        "rfi": None,
        "change_order_change_reason": reason,
        "change_event_status": None,
        "created_by": user_ref(creator),
        "attachments": [],
        "rfqs": [],
        "currency_configuration": ctx.currency,
        "created_at": stamp,
        "updated_at": stamp,
        "deleted_at": None,
        "change_event_line_items": lines,
    }
    out["change_events"].append(event)
    ctx.events_by_id[event_id] = event
    # Void events never get priced; recent ones are still being estimated.
    void = ctx.active and rng.random() < 0.06
    resolved_cos: list[str] = []
    pco = None
    young = age < 10 * DAY
    if not void and not (ctx.active and young and rng.random() < 0.7):
        if scope == "out_of_scope" or (scope == "tbd" and rng.random() < 0.5):
            pco = _prime_pco(ctx, rng, shared, prime, event, priced, created, since, out)
            resolved_cos.append(pco["_outcome"])
        for contract_id, items in by_contract.items():
            status = _commitment_co(
                ctx, rng, shared, contracts[contract_id], event, items, created, since, out
            )
            resolved_cos.append(status)
    if void:
        name = "Void"
    elif not resolved_cos:
        # Budget transfers and contingency draws close without a change order.
        name = "Closed" if (not ctx.active or (age > 45 * DAY and rng.random() < 0.8)) else "Open"
    elif all(status in TERMINAL_STATUSES for status in resolved_cos):
        name = "Closed"
    else:
        name = "Pending"
    _set_event_status(ctx, event, name)
    return event, pco


def _set_event_status(ctx: _Project, event: Record, name: str) -> None:
    event["change_event_status"] = dict(ctx.ce_statuses[name])
    event["status"] = "closed" if name in {"Closed", "Void"} else "open"


def _new_change_events(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    moment: Callable[[], int],
    start: int,
    days: float,
    elapsed: float,
    prime: Record,
    pcos: list[Record],
    out: dict[str, list[Record]],
) -> None:
    """New change events, some priced at once (new PCOs and commitment COs start undecided)."""
    company = ctx.company
    pid = ctx.id
    existing = len(ctx.events_by_id)
    count = max(1, round(existing / elapsed * days * rng.uniform(0.7, 1.3)))
    with_pco = {p["_event_id"] for p in pcos}
    for _ in range(count):
        event, pco = _change_event(ctx, rng, shared, moment(), prime, start, out)
        if pco is not None:
            _set_pco_status(pco, pco.pop("_outcome"), _parse_ts(pco["created_at"]))
            with_pco.add(event["id"])
    for record in out["potential_change_orders"]:
        with_pco.add(record["_event_id"])
    # Events that never became change orders: some are voided, some deleted (soft).
    deletable = [
        e
        for e in company.project_rows("change_events", pid)
        if e["deleted_at"] is None and e["id"] not in with_pco
        and e["change_event_status"]["name"] in {"Open", "Void"}
    ]  # fmt: skip
    for event in deletable[: max(1, round(len(deletable) * 0.2))]:
        when = max(moment(), _parse_ts(event["created_at"]))
        event["deleted_at"] = event["updated_at"] = _ts(when)
