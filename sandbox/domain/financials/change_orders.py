"""The change order tiers: potential change orders, change order requests and packages.

The prime side runs two or three tiers (PCO, COR on three-tier projects, PCCO); commitment
change orders are a package, a PCO and a CCO together. The shared change order status enum
and its groups live here; the ``advance`` steps decide packages and bundle priced PCOs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from ..common import Record, short_ref, user_ref, weighted
from .context import (
    DAY,
    _BudgetCode,
    _cents,
    _day,
    _line,
    _money,
    _parse_ts,
    _Project,
    _ts,
    _when,
)

# The shared change order status enum and how the budget groups it
# (docs/decisions.md#status-groups): any Pending-family status rolls up into the pending
# columns, Approved into the approved ones, and Draft, Rejected, No Charge and Void are
# excluded.
PENDING_STATUSES = frozenset(
    {"pending", "revised", "pricing", "not_pricing", "proceeding", "not_proceeding",
     "pending_billable"}
)  # fmt: skip
TERMINAL_STATUSES = frozenset({"approved", "rejected", "void", "no_charge"})


def _co_outcome(ctx: _Project, rng: random.Random, age: int, since: int | None) -> str:
    """Where a change order stands (the shared status enum), by how long ago it was raised."""
    if not ctx.active:
        return "approved"
    if since is not None:
        return weighted(rng, (("draft", 40), ("pricing", 15), ("pending", 45)))
    days = age / DAY
    if days > 60:
        return weighted(rng, (("approved", 82), ("rejected", 6), ("void", 3), ("no_charge", 3),
                           ("pending", 4), ("revised", 2)))  # fmt: skip
    if days > 21:
        return weighted(rng, (("approved", 45), ("pending", 25), ("pricing", 8), ("revised", 6),
                           ("proceeding", 6), ("not_proceeding", 2), ("rejected", 4),
                           ("draft", 4)))  # fmt: skip
    return weighted(rng, (("draft", 30), ("pending", 30), ("pricing", 20), ("not_pricing", 5),
                       ("approved", 10), ("proceeding", 5)))  # fmt: skip


def _prime_pco(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    prime: Record,
    event: Record,
    priced: list[tuple[Record, _BudgetCode, int]],
    event_created: int,
    since: int | None,
    out: dict[str, list[Record]],
) -> Record:
    """A prime-side potential change order priced from the event's revenue ROM."""
    ids = ctx.company.ids
    pco_id = ids.take("potential_change_order")
    low = since + 1 if since is not None else event_created
    created = _when(rng, max(low, event_created), min(event_created + 10 * DAY, ctx.end))
    if since is not None:
        created = _when(rng, max(since + 1, event_created), ctx.clock)
    ctx.prime_pco_number += 1
    number = ctx.prime_pco_number
    holder = {"id": pco_id, "holder_type": "PotentialChangeOrder"}
    stamp = _ts(created)
    total = 0
    lines = []
    for position, (ce_line, code, revenue) in enumerate(priced, start=1):
        ce_line["prime_pco_cost"] = revenue / 100
        total += revenue
        lines.append(
            _line(ctx, ids.take("contract_line_item"), holder, code, position,
                  ce_line["description"], 1, revenue, "LS", stamp, _ce_ref(ctx, ce_line, revenue))
        )  # fmt: skip
    out["potential_change_order_line_items"].extend(lines)
    outcome = _co_outcome(ctx, rng, ctx.end - created, since)
    pco = _pco_record(ctx, pco_id, prime["id"], number, event, total, created, 3 if
                      ctx.three_tier else 2)  # fmt: skip
    pco["_outcome"] = outcome
    pco["_event_id"] = event["id"]
    out["potential_change_orders"].append(pco)
    return pco


def _ce_ref(ctx: _Project, ce_line: Record, amount: int) -> Record:
    return {
        "id": ce_line["id"],
        "cost_rom": float(_cents(ce_line["estimated_cost_amount"]) / 100),
        "revenue_rom": float(ce_line["rom"]),
        "event_id": ce_line["event_id"],
        "cost_code": ce_line["cost_code"],
        "line_item_type": ce_line["line_item_type"],
        "currency_configuration": ctx.currency,
    }


def _pco_record(
    ctx: _Project,
    pco_id: int,
    contract_id: int,
    number: int,
    event: Record,
    total: int,
    created: int,
    tiers: int,
) -> Record:
    stamp = _ts(created)
    return {
        "_project_id": ctx.id,
        "_package_id": None,
        "id": pco_id,
        "contract_id": contract_id,
        "number": f"{number:03d}",
        "revision": 0,
        "title": event["title"],
        "status": "draft",
        "executed": False,
        "grand_total": _money(total),
        "change_reason": event["change_order_change_reason"]["change_reason"],
        "schedule_impact_amount": 0,
        "change_order_request_id": None,
        "change_order_request_title": None,
        "change_order_package_title": None,
        "potential_change_order_acronym_number": f"PCO #{number:03d}",
        "change_order_request_acronym_number": "",
        "change_order_package_acronym_number": None,
        "change_order_tiers": tiers,
        "due_date": _day(created + 14 * DAY),
        "invoiced_date": None,
        "paid_date": None,
        "reviewed_at": None,
        "created_by_id": ctx.manager["id"],
        "custom_fields": {},
        "currency_configuration": ctx.currency,
        "created_at": stamp,
        "updated_at": stamp,
        "deleted_at": None,
    }


def _package(
    ctx: _Project,
    rng: random.Random,
    contract_id: int,
    number: int,
    title: str,
    total: int,
    created: int,
    status: str,
    reviewed: int | None,
) -> Record:
    """A change order package: what the owner or the sub signs."""
    reviewer = rng.choice(ctx.company.roles["reviewers"])
    return {
        "_project_id": ctx.id,
        "_contract_id": contract_id,
        "id": ctx.company.ids.take("change_order_package"),
        "contract_id": contract_id,
        "number": f"{number:03d}",
        "revision": 0,
        "title": title,
        "status": status,
        "executed": status == "approved",
        "grand_total": _money(total),
        "due_date": _day(created + 14 * DAY),
        "invoiced_date": None,
        "paid_date": None,
        "reviewed_at": _ts(reviewed) if reviewed else None,
        "signed_change_order_received_date": _day(reviewed) if reviewed else None,
        "created_by_id": ctx.manager["id"],
        "designated_reviewer": user_ref(reviewer),
        "origin_id": None,
        "origin_code": None,
        "custom_fields": {},
        "currency_configuration": ctx.currency,
        "created_at": _ts(created),
        "updated_at": _ts(reviewed or created),
        "deleted_at": None,
        "_reviewer": reviewer,
    }


def _change_order(
    ctx: _Project,
    rng: random.Random,
    package: Record,
    events: list[Record],
    reason: Record,
    received_from: Record,
) -> Record:
    """The change order listed by the project CCO/PCCO endpoints for one package."""
    reviewer = package["_reviewer"]
    return {
        "_project_id": ctx.id,
        "_package_id": package["id"],
        "id": ctx.company.ids.take("change_order"),
        "batch_id": package["id"],
        "contract_id": package["contract_id"],
        "legacy_package_id": package["id"],
        "legacy_request_id": None,
        "location_id": None,
        "number": package["number"],
        "revision": 0,
        "title": package["title"],
        "description": "",
        "type": None,
        "reference": None,
        "status": package["status"],
        "executed": package["executed"],
        "paid": False,
        "private": False,
        "field_change": False,
        "signature_required": False,
        "grand_total": package["grand_total"],
        "schedule_impact_amount": rng.choice((0, 0, 0, 1, 2, 3, 5)),
        "due_date": package["due_date"],
        "invoiced_date": None,
        "signed_change_order_received_date": package["signed_change_order_received_date"],
        "revised_substantial_completion_date": None,
        "reviewed_at": package["reviewed_at"],
        "created_by": short_ref(ctx.manager),
        "designated_reviewer": short_ref(reviewer),
        "received_from": short_ref(received_from),
        "reviewed_by": short_ref(reviewer) if package["reviewed_at"] else None,
        "change_order_change_reason": {
            "id": reason["id"],
            "change_reason": reason["change_reason"],
        },
        "change_events": [{"id": e["id"], "number": e["alphanumeric_number"]} for e in events],
        "custom_fields": {},
        "currency_configuration": ctx.currency,
        "created_at": package["created_at"],
        "updated_at": package["updated_at"],
    }


def _set_pco_status(pco: Record, status: str, moment: int) -> None:
    pco["status"] = status
    pco["executed"] = status == "approved"
    if status in TERMINAL_STATUSES and status != "void":
        pco["reviewed_at"] = _ts(moment)
    pco["updated_at"] = _ts(max(moment, _parse_ts(pco["created_at"])))


def _package_prime(
    ctx: _Project,
    rng: random.Random,
    prime: Record,
    pcos: list[Record],
    since: int | None,
    out: dict[str, list[Record]],
) -> None:
    """Bundle decided prime PCOs into packages (and CORs on three-tier projects)."""
    by_outcome: dict[str, list[Record]] = defaultdict(list)
    for pco in pcos:
        outcome = pco.pop("_outcome")
        if outcome in {"approved", "rejected"} or (outcome == "pending" and rng.random() < 0.5):
            by_outcome[outcome].append(pco)
        else:
            _set_pco_status(pco, outcome, _parse_ts(pco["created_at"]))
    for outcome in ("approved", "rejected", "pending"):
        group = by_outcome[outcome]
        index = 0
        while index < len(group):
            size = rng.randint(1, 4)
            _bundle(ctx, rng, prime, group[index : index + size], outcome, out)
            index += size


def _bundle(
    ctx: _Project,
    rng: random.Random,
    prime: Record,
    pcos: list[Record],
    status: str,
    out: dict[str, list[Record]],
    since: int | None = None,
) -> Record:
    """One prime change order package over ``pcos``, reviewed when ``status`` is decided."""
    latest = max(_parse_ts(p["created_at"]) for p in pcos)
    if since is None:
        created = _when(rng, latest, min(latest + 7 * DAY, ctx.end))
        reviewed = None
        if status in TERMINAL_STATUSES:
            reviewed = _when(rng, created + DAY, min(created + 25 * DAY, ctx.end))
            reviewed = min(reviewed, ctx.end)
    else:
        created = _when(rng, max(since + 1, latest), ctx.clock)
        reviewed = None
    total = sum(_cents(p["grand_total"]) for p in pcos)
    ctx.prime_cop_number += 1
    number = ctx.prime_cop_number
    title = pcos[0]["title"] if len(pcos) == 1 else f"PCCO #{number:03d}"
    package = _package(ctx, rng, prime["id"], number, title, total, created, status, reviewed)
    out["change_order_packages"].append(package)
    moment = reviewed or created
    if ctx.three_tier:
        # Three tiers: PCOs roll up into CORs, which roll up into the package.
        index = 0
        while index < len(pcos):
            part = pcos[index : index + rng.randint(1, 3)]
            index += len(part)
            cor = _cor(ctx, prime, part, package, created, status, moment)
            out["change_order_requests"].append(cor)
    for pco in pcos:
        pco["_package_id"] = package["id"]
        pco["change_order_package_title"] = package["title"]
        pco["change_order_package_acronym_number"] = f"PCCO #{package['number']}"
        _set_pco_status(pco, status, moment)
    events = [ctx.events_by_id[p["_event_id"]] for p in pcos]
    reason = events[0]["change_order_change_reason"]
    received = rng.choice(ctx.company.roles["reviewers"])
    out["prime_change_orders"].append(_change_order(ctx, rng, package, events, reason, received))
    return package


def _cor(
    ctx: _Project,
    prime: Record,
    pcos: list[Record],
    package: Record,
    created: int,
    status: str,
    moment: int,
) -> Record:
    ctx.cor_number += 1
    number = ctx.cor_number
    cor_id = ctx.company.ids.take("change_order_request")
    title = f"COR #{number:03d} - {pcos[0]['title']}"
    for pco in pcos:
        pco["change_order_request_id"] = cor_id
        pco["change_order_request_title"] = title
        pco["change_order_request_acronym_number"] = f"COR #{number:03d}"
    return {
        "_project_id": ctx.id,
        "_contract_id": prime["id"],
        "_package_id": package["id"],
        "id": cor_id,
        "number": f"{number:03d}",
        "revision": 0,
        "title": title,
        "status": status,
        "change_order_package_id": package["id"],
        "grand_total": _money(sum(_cents(p["grand_total"]) for p in pcos)),
        "schedule_impact_amount": 0,
        "due_date": package["due_date"],
        "invoiced_date": None,
        "paid_date": None,
        "created_by_id": ctx.manager["id"],
        "currency_configuration": ctx.currency,
        "created_at": _ts(created),
        "updated_at": _ts(moment),
        "deleted_at": None,
    }


def _commitment_co(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    contract: Record,
    event: Record,
    items: list[tuple[Record, _BudgetCode, int]],
    event_created: int,
    since: int | None,
    out: dict[str, list[Record]],
) -> str:
    """A commitment change order: package, PCO and CCO together, as in a 2-tier setup.

    Returns the change order's status.
    """
    ids = ctx.company.ids
    if since is None:
        created = _when(rng, event_created, min(event_created + 15 * DAY, ctx.end))
    else:
        created = _when(rng, max(since + 1, event_created), ctx.clock)
    status = _co_outcome(ctx, rng, ctx.end - created, since)
    if status in {"pricing", "not_pricing", "proceeding", "not_proceeding"}:
        status = "pending"  # CCOs in the wild mostly sit in plain Pending
    elif status == "revised" or (status == "pending" and rng.random() < 0.15):
        status = "pending_billable" if status == "pending" else "revised"
    reviewed = None
    if status in TERMINAL_STATUSES:
        reviewed = min(_when(rng, created + DAY, min(created + 20 * DAY, ctx.end)), ctx.end)
        if since is not None:
            reviewed = _when(rng, created, ctx.clock)
    numbers = ctx.cco_numbers
    numbers[contract["id"]] = number = numbers.get(contract["id"], 0) + 1
    total = sum(cost for _, _, cost in items)
    package = _package(ctx, rng, contract["id"], number, event["title"], total, created, status,
                       reviewed)  # fmt: skip
    out["change_order_packages"].append(package)
    pco_id = ids.take("potential_change_order")
    pco = _pco_record(ctx, pco_id, contract["id"], number, event, total, created, 2)
    pco["_package_id"] = package["id"]
    pco["_event_id"] = event["id"]
    pco["change_order_package_title"] = package["title"]
    pco["change_order_package_acronym_number"] = f"CCO #{number:03d}"
    _set_pco_status(pco, status, reviewed or created)
    out["potential_change_orders"].append(pco)
    if status == "approved":
        ctx.approved_co_cents[contract["id"]] += total
    holder = {"id": pco_id, "holder_type": "PotentialChangeOrder"}
    stamp = _ts(created)
    for position, (ce_line, code, cost) in enumerate(items, start=1):
        ce_line["commitment_pco_cost"] = _money(cost)
        out["potential_change_order_line_items"].append(
            _line(ctx, ids.take("contract_line_item"), holder, code, position,
                  ce_line["description"], 1, cost, "LS", stamp, _ce_ref(ctx, ce_line, cost))
        )  # fmt: skip
    received = rng.choice(ctx.company.roles["field_staff"])
    cco = _change_order(ctx, rng, package, [event], event["change_order_change_reason"],
                        received)  # fmt: skip
    out["commitment_change_orders"].append(cco)
    return status


def _decide_package(
    package: Record,
    order: Record | None,
    pcos: list[Record],
    cors: list[Record],
    status: str,
    when: int,
) -> None:
    """Move a package and everything under it to ``status`` at ``when``."""
    stamp = _ts(when)
    decided = status in TERMINAL_STATUSES
    package["status"] = status
    package["executed"] = status == "approved"
    package["updated_at"] = stamp
    if decided:
        package["reviewed_at"] = stamp
        package["signed_change_order_received_date"] = _day(when)
    for cor in cors:
        cor["status"] = status
        cor["updated_at"] = stamp
    for pco in pcos:
        _set_pco_status(pco, status, when)
    if order is not None:
        order["status"] = status
        order["executed"] = package["executed"]
        order["updated_at"] = stamp
        if decided:
            order["reviewed_at"] = stamp
            order["signed_change_order_received_date"] = package[
                "signed_change_order_received_date"
            ]
            order["reviewed_by"] = dict(order["designated_reviewer"])


def _decide_packages(
    ctx: _Project,
    rng: random.Random,
    moment: Callable[[], int],
    chance: float,
    prime: Record,
    pcos: list[Record],
) -> None:
    """Decide some pending change order packages and everything under them (``advance``)."""
    company = ctx.company
    pid = ctx.id
    primes = {prime["id"]}
    packages = {p["id"]: p for p in company.project_rows("change_order_packages", pid)}
    orders_by_package = {
        o["_package_id"]: o
        for resource in ("prime_change_orders", "commitment_change_orders")
        for o in company.project_rows(resource, pid)
    }
    pcos_by_package: dict[int, list[Record]] = defaultdict(list)
    for pco in pcos:
        if pco["_package_id"] is not None:
            pcos_by_package[pco["_package_id"]].append(pco)
    cors_by_package: dict[int, list[Record]] = defaultdict(list)
    for cor in company.project_rows("change_order_requests", pid):
        cors_by_package[cor["_package_id"]].append(cor)
    for package in packages.values():
        if package["deleted_at"] is not None or rng.random() >= chance:
            continue
        if package["status"] == "draft":
            new_status = "pending"
        elif package["status"] in PENDING_STATUSES:
            new_status = weighted(rng, (("approved", 85), ("rejected", 10), ("void", 5)))
        else:
            continue
        when = max(moment(), _parse_ts(package["created_at"]))
        _decide_package(
            package, orders_by_package.get(package["id"]), pcos_by_package[package["id"]],
            cors_by_package[package["id"]], new_status, when,
        )  # fmt: skip
        if new_status == "approved" and package["contract_id"] not in primes:
            ctx.approved_co_cents[package["contract_id"]] += _cents(package["grand_total"])


def _bundle_pending_pcos(
    ctx: _Project,
    rng: random.Random,
    moment: Callable[[], int],
    chance: float,
    start: int,
    prime: Record,
    pcos: list[Record],
    out: dict[str, list[Record]],
) -> None:
    """Unpackaged prime PCOs get priced, then bundled into a new pending PCCO."""
    primes = {prime["id"]}
    ready = []
    for pco in pcos:
        if pco["contract_id"] not in primes or pco["_package_id"] is not None:
            continue
        if pco["deleted_at"] is not None or pco["status"] in TERMINAL_STATUSES:
            continue
        if pco["status"] == "draft" and rng.random() < 0.15:
            pco["deleted_at"] = pco["updated_at"] = _ts(moment())  # abandoned draft
        elif pco["status"] in {"draft", "pricing", "not_pricing"} and rng.random() < chance:
            _set_pco_status(pco, "pending", moment())
        elif pco["status"] in PENDING_STATUSES and rng.random() < chance:
            ready.append(pco)
    if ready:
        ready.sort(key=lambda p: p["id"])
        _bundle(ctx, rng, prime, ready, "pending", out, since=start)
