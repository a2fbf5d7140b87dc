"""Financial records: cost codes, budgets, contracts, change management, costs.

Every project gets a cost code tree, budget codes (WBS codes) with one budget view and its
rows, a prime contract with its schedule of values, subcontracts and purchase orders, change
events feeding potential change orders, change order requests and change order packages on
the prime side and commitment change orders on the commitment side, direct costs and
subcontractor invoices (requisitions). Their shapes: docs/procore-api.md#the-lists-we-read.

The budget rows are never invented: ``compute_budget_rows`` derives every column from the
generated contracts, change orders and costs, the way Procore's Standard Budget view does
(docs/decisions.md#budget-vs-commitments-fct_budget_vs_commitments), so a warehouse built on
the sandbox can reconcile to the cent.

Money is handled in integer cents while generating and as ``Decimal`` in the budget arithmetic;
it is served as JSON strings. Instants are handled as integer epoch seconds because
record generation at the ``large`` scale must stay cheap.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from .common import Company, Record, parse_timestamp, short_ref, user_ref, weighted

# -- reference data ----------------------------------------------------------------------

# Company-wide cost types ("line_item_types"): (name, code, base_type).
# Every resource key this domain serves (a contract file in sandbox/contracts each).
RESOURCES = (
    "cost_codes", "line_item_types", "wbs_codes", "budget_views", "budget_view_detail_rows",
    "budget_view_summary_rows", "budget_detail_columns", "prime_contracts",
    "prime_contract_line_items", "purchase_order_contracts", "purchase_order_contract_line_items",
    "work_order_contracts", "work_order_contract_line_items", "commitments",
    "commitment_change_orders", "prime_change_orders", "change_order_packages",
    "potential_change_orders", "potential_change_order_line_items", "change_order_requests",
    "change_events", "change_event_statuses", "change_order_change_reasons", "change_types",
    "direct_costs", "direct_cost_line_items", "requisitions",
)  # fmt: skip

LINE_ITEM_TYPES = (
    ("Labor", "L", "labor"),
    ("Material", "M", "material"),
    ("Equipment", "E", "equipment"),
    ("Subcontract", "S", "commitment"),
    ("Other", "O", "other"),
)
# CSI divisions (the cost code tree's roots) with their codes and the trade that builds them.
DIVISIONS: tuple[tuple[str, str, str | None, tuple[tuple[str, str], ...]], ...] = (
    ("01", "General Requirements", None, (
        ("010", "Project Manager"), ("020", "Superintendent"), ("030", "Temporary Facilities"),
        ("040", "Final Cleanup"), ("050", "Insurance and Bonds"))),
    ("31", "Earthwork", "Earthwork", (
        ("200", "Earth Moving"), ("300", "Excavation"), ("500", "Shoring"))),
    ("03", "Concrete", "Concrete", (
        ("300", "Cast-in-place Concrete"), ("310", "Formwork"), ("320", "Reinforcing Steel"),
        ("350", "Concrete Finishing"))),
    ("05", "Metals", "Steel Erectors", (
        ("100", "Structural Steel"), ("300", "Metal Decking"), ("500", "Metal Fabrications"))),
    ("26", "Electrical", "Electrical", (
        ("100", "Power Distribution"), ("200", "Low Voltage"), ("500", "Lighting"))),
    ("23", "HVAC", "Mechanical", (
        ("300", "HVAC Equipment"), ("310", "Ductwork"), ("900", "Controls"))),
    ("22", "Plumbing", "Plumbing", (("100", "Plumbing Piping"), ("400", "Plumbing Fixtures"))),
    ("09", "Finishes", "Drywall", (
        ("200", "Gypsum Board"), ("300", "Tiling"), ("600", "Flooring"), ("900", "Painting"))),
    ("07", "Thermal and Moisture Protection", "Roofing", (
        ("200", "Insulation"), ("500", "Roofing"), ("900", "Joint Sealants"))),
    ("08", "Openings", "Glazing", (
        ("100", "Doors and Frames"), ("400", "Storefronts"), ("700", "Door Hardware"),
        ("800", "Glazing"))),
    ("21", "Fire Suppression", "Fire Protection", (("100", "Sprinkler Systems"),)),
    ("04", "Masonry", "Masonry", (("200", "Unit Masonry"), ("400", "Stone Veneer"))),
    ("14", "Conveying Equipment", "Elevators", (("200", "Elevators"),)),
    ("06", "Wood and Plastics", None, (
        ("100", "Rough Carpentry"), ("200", "Finish Carpentry"), ("400", "Casework"))),
    ("10", "Specialties", None, (("100", "Signage"), ("200", "Toilet Accessories"))),
    ("32", "Exterior Improvements", None, (("100", "Paving"), ("900", "Landscaping"))),
    ("02", "Existing Conditions", "Earthwork", (("100", "Demolition"), ("200", "Site Survey"))),
)  # fmt: skip
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
SOV_PHASES = ("Mobilization", "Level 1", "Level 2", "Level 3", "Roof", "Site", "Closeout",
              "Materials", "Submittals", "Punch list")  # fmt: skip
DC_DESCRIPTIONS = {
    "labor": ("Field labor", "Carpenter crew", "Laborer crew", "Superintendent time"),
    "material": ("Lumber delivery", "Concrete blocks", "Fasteners", "Sealants"),
    "equipment": ("Crane rental", "Lift rental", "Generator rental", "Dumpster rental"),
    "other": ("Permit fee", "Printing", "Site security", "Temporary power"),
    "commitment": ("Small sub invoice",),
}

# The shared change order status enum and how the budget groups it
# (docs/decisions.md#status-groups): any Pending-family status rolls up into the pending
# columns, Approved into the approved ones, and Draft, Rejected, No Charge and Void are
# excluded.
PENDING_STATUSES = frozenset(
    {"pending", "revised", "pricing", "not_pricing", "proceeding", "not_proceeding",
     "pending_billable"}
)  # fmt: skip
TERMINAL_STATUSES = frozenset({"approved", "rejected", "void", "no_charge"})
# Commitments count as Committed Costs once approved (the Standard Budget view counts
# "approved commitments"). Procore also counts a subcontract that is Complete and a purchase
# order that is (partially) received or closed: the work was bought. Draft, bidding,
# signature and void statuses are not committed.
COMMITTED_WO_STATUSES = frozenset({"Approved", "Complete"})
COMMITTED_PO_STATUSES = frozenset({"Approved", "Partially Received", "Received", "Closed"})
# Direct costs count in the budget once submitted: Procore's Direct Costs source column takes
# pending, revise-and-resubmit and approved ones and leaves drafts out [INFERRED from the
# support FAQ on budget source columns; the reference does not say].
COUNTED_DIRECT_COST_STATUSES = frozenset({"pending", "revise_and_resubmit", "approved"})

# The Standard Budget view's columns, in display order: (key, name, type).
BUDGET_COLUMNS = (
    ("original_budget_amount", "Original Budget Amount", "source"),
    ("budget_modifications", "Budget Modifications", "source"),
    ("Approved COs", "Approved COs", "source"),
    ("Revised Budget", "Revised Budget", "standard"),
    ("Pending Budget Changes", "Pending Budget Changes", "source"),
    ("Projected Budget", "Projected Budget", "standard"),
    ("Committed Costs", "Committed Costs", "source"),
    ("Direct Costs", "Direct Costs", "source"),
    ("Job to Date Costs", "Job to Date Costs", "source"),
    ("Pending Cost Changes", "Pending Cost Changes", "source"),
    ("Projected Costs", "Projected Costs", "standard"),
    ("budget_forecast", "Forecast To Complete", "standard"),
    ("Estimated Cost at Completion", "Estimated Cost at Completion", "standard"),
    ("Projected over Under", "Projected over Under", "standard"),
)
# The display-name keys every detail and summary row carries, in computation order
# (docs/procore-api.md#budget-views-and-rows).
DISPLAY_COLUMNS = (
    "Approved COs", "Revised Budget", "Pending Budget Changes", "Projected Budget",
    "Committed Costs", "Direct Costs", "Job to Date Costs", "Pending Cost Changes",
    "Projected Costs", "Estimated Cost at Completion", "Projected over Under",
)  # fmt: skip


class _Sizes:
    """How many financial records a project gets at one scale."""

    def __init__(
        self,
        divisions: int,
        codes: int,
        change_events: tuple[int, int],
        direct_costs: tuple[int, int],
        sov_lines: tuple[int, int],
        dc_lines: tuple[int, int],
    ) -> None:
        self.divisions = divisions
        self.codes = codes
        self.change_events = change_events
        self.direct_costs = direct_costs
        self.sov_lines = sov_lines
        self.dc_lines = dc_lines


SIZES = {
    "tiny": _Sizes(5, 2, (4, 7), (6, 10), (1, 2), (1, 2)),
    "small": _Sizes(9, 3, (12, 20), (20, 35), (1, 3), (1, 3)),
    "medium": _Sizes(13, 4, (25, 45), (50, 90), (2, 4), (1, 3)),
    "large": _Sizes(17, 5, (110, 150), (300, 380), (5, 9), (2, 5)),
}

DAY = 86_400
_TWO = Decimal("0.01")


# -- small helpers -----------------------------------------------------------------------


def _ts(seconds: int) -> str:
    """An epoch second as a Procore timestamp, cheaper than ``datetime.strftime``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _day(seconds: int) -> str:
    """An epoch second's UTC date as ``YYYY-MM-DD``."""
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def _epoch(value: datetime | date) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp())
    return int(datetime.combine(value, datetime.min.time(), UTC).timestamp())


def _parse_ts(value: str) -> int:
    return int(parse_timestamp(value).timestamp())


def _money(cents: int) -> str:
    """Cents as a v1.0 money string: ``"850000.0"``, ``"12933.36"``."""
    return repr(cents / 100)


def _money2(cents: int) -> str:
    """Cents as a 2-decimal money string, the budget and invoice style: ``"45000.00"``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _cents(value: str | None) -> int:
    return 0 if not value else int(Decimal(value) * 100)


def _when(rng: random.Random, start: int, end: int) -> int:
    """A random epoch second in ``[start, end]`` (``start`` when the range is empty)."""
    return start if end <= start else rng.randint(start, end)


# -- per-project context -----------------------------------------------------------------


class _BudgetCode:
    """One budget code (cost code x cost type) with the nested refs records share.

    The refs are shared between records on purpose (cheap at scale); nothing ever mutates
    them after creation.
    """

    __slots__ = (
        "budget_cents", "ce_cost_code", "cost_code", "division", "key", "line_cost_code",
        "line_type", "type_base", "wbs", "wbs_ref",
    )  # fmt: skip

    def __init__(self, cost_code: Record, division: Record, line_type: Record, wbs: Record):
        self.cost_code = cost_code
        self.division = division
        self.key = (cost_code["id"], line_type["id"])
        self.type_base = line_type["base_type"]
        self.line_cost_code = {
            "id": cost_code["id"],
            "code": cost_code["code"],
            "full_code": cost_code["full_code"],
            "name": cost_code["name"],
            "biller_type": "Project",
            "budgeted": True,
        }
        self.ce_cost_code = {
            "id": cost_code["id"],
            "full_code": cost_code["full_code"],
            "name": cost_code["name"],
        }
        self.line_type = {
            "id": line_type["id"],
            "name": line_type["name"],
            "code": line_type["code"],
            "base_type": line_type["base_type"],
        }
        self.wbs = wbs
        self.wbs_ref = {"id": wbs["id"], "flat_code": wbs["flat_code"],
                        "description": wbs["description"]}  # fmt: skip
        self.budget_cents = 0


class _Project:
    """What generating or advancing one project's financials needs at hand."""

    def __init__(self, company: Company, project: Record, shared: Record) -> None:
        self.company = company
        self.project = project
        self.id = project["id"]
        self.active = bool(project["active"])
        self.start = _epoch(date.fromisoformat(project["start_date"]))
        completion = _epoch(date.fromisoformat(project["completion_date"]))
        self.completion = completion
        self.clock = _epoch(company.clock)
        self.end = min(self.clock, completion)
        self.ref = {"id": project["id"], "name": project["name"]}
        self.company_ref = shared["company_ref"]
        self.currency = shared["currency"]
        self.budget_codes: list[_BudgetCode] = []
        self.by_key: dict[tuple[int, int], _BudgetCode] = {}
        # budget code key -> the commitment (WO/PO record) that buys it
        self.commitment_of: dict[tuple[int, int], Record] = {}
        self.three_tier = False
        self.manager: Record = {}
        self.ce_statuses: dict[str, Record] = {}
        self.events_by_id: dict[int, Record] = {}
        self.approved_co_cents: dict[int, int] = defaultdict(int)
        self.cco_numbers: dict[int, int] = {}
        self.ce_number = 0
        self.prime_pco_number = 0
        self.prime_cop_number = 0
        self.cor_number = 0

    def add_code(self, code: _BudgetCode) -> None:
        self.budget_codes.append(code)
        self.by_key[code.key] = code


# -- generation --------------------------------------------------------------------------


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


def _cost_codes(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    sizes: _Sizes,
    setup: int,
    out: dict[str, list[Record]],
) -> None:
    """The project's cost code tree and a WBS code per budget code."""
    ids = ctx.company.ids
    pid = ctx.id
    types = shared["lists"]["line_item_types"]
    created = _ts(setup)
    position = 0
    cost_type_segment = {"id": 502, "name": "Cost Type", "type": "line_item_type", "position": 2,
                         "delimiter": ".", "required": True, "structure": "flat"}  # fmt: skip
    code_segment = {"id": 501, "name": "Cost Code", "type": "cost_code", "position": 1,
                    "delimiter": "-", "required": True, "structure": "tiered"}  # fmt: skip
    for division_code, division_name, _trade, codes in DIVISIONS[: sizes.divisions]:
        position += 1
        division = _cost_code(ctx, ids, division_code, division_code, division_name, None,
                              position, False, [], created)  # fmt: skip
        division["_trade"] = _trade
        out["cost_codes"].append(division)
        for code, name in codes[: sizes.codes]:
            position += 1
            if division_code == "01":
                chosen = [types[0], types[4]] + ([types[1]] if rng.random() < 0.5 else [])
            else:
                chosen = [types[3]]
                if rng.random() < 0.45:
                    chosen.append(types[1])
                if rng.random() < 0.25:
                    chosen.append(types[0])
                if rng.random() < 0.12:
                    chosen.append(types[2])
            chosen.sort(key=lambda t: t["id"])
            full_code = f"{division_code}-{code}"
            cost_code = _cost_code(ctx, ids, code, full_code, name, division, position, True,
                                   chosen, created)  # fmt: skip
            out["cost_codes"].append(cost_code)
            code_item = _segment_item(ids, cost_code, division, code_segment, created)
            for line_type in chosen:
                type_item = _segment_item(ids, line_type, None, cost_type_segment, created)
                wbs = {
                    "_project_id": pid,
                    "_cost_code_id": cost_code["id"],
                    "_line_item_type_id": line_type["id"],
                    "id": ids.take("wbs_code"),
                    "flat_code": f"{full_code}.{line_type['code']}",
                    "flat_name": f"{division_name}.{name}.{line_type['name']}",
                    "description": f"{name}.{line_type['name']}",
                    "status": "active",
                    "wbs_pattern_id": 1,
                    "segment_items": [code_item, type_item],
                    "created_at": created,
                    "updated_at": created,
                }
                out["wbs_codes"].append(wbs)
                ctx.add_code(_BudgetCode(cost_code, division, line_type, wbs))


def _cost_code(
    ctx: _Project,
    ids: Any,
    code: str,
    full_code: str,
    name: str,
    parent: Record | None,
    position: int,
    budgeted: bool,
    types: list[Record],
    created: str,
) -> Record:
    return {
        "_project_id": ctx.id,
        "id": ids.take("cost_code"),
        "name": name,
        "code": code,
        "full_code": full_code,
        "sortable_code": full_code,
        "parent": {"id": parent["id"]} if parent else None,
        "position": position,
        "biller": ctx.project["name"],
        "biller_id": ctx.id,
        "biller_type": "Project",
        "biller_origin_id": None,
        "budgeted": budgeted,
        "standard_cost_code_id": None,
        "standard_cost_code_list_id": None,
        "origin_id": None,
        "origin_data": None,
        "line_item_types": [dict(t) for t in types],
        "created_at": created,
        "updated_at": created,
        "deleted_at": None,
    }


def _segment_item(
    ids: Any, item: Record, parent: Record | None, segment: Record, created: str
) -> Record:
    code = item.get("full_code", item["code"])
    path_ids = ([parent["id"]] if parent else []) + [item["id"]]
    path_codes = ([parent["code"]] if parent else []) + [item["code"]]
    path_names = ([parent["name"]] if parent else []) + [item["name"]]
    return {
        "id": ids.take("wbs_segment_item"),
        "code": item["code"],
        "name": item["name"],
        "parent_id": parent["id"] if parent else None,
        "path_ids": path_ids,
        "path_code": code,
        "path_codes": path_codes,
        "path_names": path_names,
        "is_parent": False,
        "in_use": True,
        "status": "active",
        "segment": segment,
        "created_at": created,
        "updated_at": created,
    }


def _budget(ctx: _Project, rng: random.Random, setup: int, out: dict[str, list[Record]]) -> None:
    """The budget: original amounts per budget code, one view, its rows and columns."""
    ids = ctx.company.ids
    company = ctx.company
    pid = ctx.id
    project_value = int(Decimal(ctx.project["total_value"]) * 100)
    weights = []
    for code in ctx.budget_codes:
        base = {"commitment": 6.0, "material": 1.5, "labor": 1.0, "equipment": 0.6,
                "other": 0.5}[code.type_base]  # fmt: skip
        weights.append(base * rng.uniform(0.3, 1.7))
    total_weight = sum(weights)
    budget_total = project_value * rng.uniform(0.86, 0.94)
    for code, weight in zip(ctx.budget_codes, weights, strict=True):
        # Budgets are set in whole hundreds of dollars, as estimators do.
        code.budget_cents = max(500_000, int(round(budget_total * weight / total_weight, -4)))
    # A few legacy budget modifications: transfers between lines that net to 0.
    modifications = [0] * len(ctx.budget_codes)
    if ctx.budget_codes and len(ctx.budget_codes) > 2:
        for _ in range(max(1, len(ctx.budget_codes) // 12)):
            source, target = rng.sample(range(len(ctx.budget_codes)), 2)
            amount = rng.randrange(100_000, 2_500_000, 10_000)
            modifications[source] -= amount
            modifications[target] += amount
    creator = user_ref(ctx.manager)
    view_id = ids.take("budget_view")
    created = _ts(setup)
    out["budget_views"].append(
        {
            "_project_id": pid,
            "id": view_id,
            "name": "Procore Standard Budget",
            "description": "This is the Procore legacy view.",
            "role": "budgeting",
            "created_by": creator,
            "links": {
                "detail_rows": "https://app.procore.com/vapid/budget_views/"
                f"{view_id}/detail_rows?project_id={pid}",
                "summary_rows": "https://app.procore.com/vapid/budget_views/"
                f"{view_id}/summary_rows?project_id={pid}",
            },
            "created_at": created,
            "updated_at": created,
        }
    )
    for position, (key, name, kind) in enumerate(BUDGET_COLUMNS, start=1):
        out["budget_detail_columns"].append(
            {
                "_project_id": pid,
                "_parent_id": view_id,
                "id": str(ids.take("budget_column")),
                "name": name,
                "position": position,
                "type": kind,
                "aggregatable": True,
                "filterable": False,
                "groupable": False,
                "_key": key,
            }
        )
    company_name = company.company["name"]
    divisions: dict[int, list[str]] = defaultdict(list)
    division_rows: dict[int, Record] = {}
    for code, modification in zip(ctx.budget_codes, modifications, strict=True):
        cost_code, division = code.cost_code, code.division
        row_id = ids.take("budget_line_item")
        division_label = f"{division['full_code']} - {division['name']}"
        code_label = f"{cost_code['full_code']} - {cost_code['name']}"
        row = {
            "_project_id": pid,
            "_parent_id": view_id,
            "id": row_id,
            "budget_row_id": str(row_id),
            "deletable": False,
            "company_id": company.company_id,
            "company": company_name,
            "project_id": pid,
            "project": ctx.project["name"],
            "wbs_code_id": code.wbs["id"],
            "biller_id": pid,
            "biller": ctx.project["name"],
            "biller_type": "Project",
            "root_cost_code_id": division["id"],
            "root_cost_code": division_label,
            "cost_code_level_1_id": division["id"],
            "cost_code_level_2_id": cost_code["id"],
            "cost_code_level_3_id": 0,
            "cost_code_level_4_id": 0,
            "cost_code_level_5_id": 0,
            "cost_code_level_1": division_label,
            "cost_code_level_2": code_label,
            "cost_code_level_3": "None",
            "cost_code_level_4": "None",
            "cost_code_level_5": "None",
            "cost_code_id": cost_code["id"],
            "cost_code": code_label,
            "cost_code_origin_id": None,
            "category_id": code.line_type["id"],
            "category": code.line_type["name"],
            "original_budget_amount": _money2(code.budget_cents),
            "budget_modifications": _money2(modification),
            "budget_forecast": {
                "id": ids.take("budget_forecast"),
                "manual_amount": None,
                "automatic_amount": "0.00",
                "amount": "0.00",
                "automatically_calculated": True,
                "calculation_strategy": "automatic",
                "notes": None,
            },
            "currency_configuration": ctx.currency,
            "unbudgeted_reason": None,
        }
        out["budget_view_detail_rows"].append(row)
        divisions[division["id"]].append(str(row_id))
        division_rows[division["id"]] = division
    # Summary rows grouped by the default group_by=biller,root_cost_code: one row per root
    # cost code of the project (its only biller); ids are strings.
    for division_id, row_ids in divisions.items():
        division = division_rows[division_id]
        out["budget_view_summary_rows"].append(
            {
                "_project_id": pid,
                "_parent_id": view_id,
                "id": str(division_id),
                "name": f"{division['full_code']} - {division['name']}",
                "biller_type": "Project",
                "original_budget_amount": "0.00",
                "budget_modifications": "0.00",
                "budget_forecast": {"amount": "0.00"},
                "currency_configuration": ctx.currency,
                "budget_line_item_ids": row_ids,
            }
        )


def _line(
    ctx: _Project,
    line_id: int,
    holder: Record,
    code: _BudgetCode,
    position: int,
    description: str,
    quantity: int,
    unit_cents: int,
    uom: str,
    created: str,
    ce_line: Record | None = None,
) -> Record:
    """One contract line item (the shape shared by prime, commitment, PCO, direct cost)."""
    cents = quantity * unit_cents
    amount = cents / 100
    return {
        "_project_id": ctx.id,
        "_parent_id": holder["id"],
        "id": line_id,
        "description": description,
        "position": position,
        "extended_type": "manual" if quantity == 1 else "calculated",
        "amount": repr(amount),
        "quantity": float(quantity),
        "unit_cost": unit_cents / 100,
        "extended_amount": amount,
        "total_amount": amount,
        "uom": uom,
        "tax_code_id": None,
        "origin_id": None,
        "origin_data": None,
        "holder": holder,
        "company": ctx.company_ref,
        "project": ctx.ref,
        "cost_code": code.line_cost_code,
        "line_item_type": code.line_type,
        "wbs_code": code.wbs_ref,
        "change_event_line_item": ce_line,
        "currency_configuration": ctx.currency,
        "created_at": created,
        "updated_at": created,
    }


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


# -- change management -------------------------------------------------------------------


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


# -- costs -------------------------------------------------------------------------------


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


# -- derived totals ----------------------------------------------------------------------


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


# -- the budget --------------------------------------------------------------------------


def compute_budget_rows(company: Company, project_id: int) -> None:
    """Recompute every budget column of a project's detail and summary rows.

    The columns follow the Procore Standard Budget view
    (docs/decisions.md#budget-vs-commitments-fct_budget_vs_commitments; keys:
    docs/procore-api.md#budget-views-and-rows), per budget code (cost code x cost type):

    - Approved COs: approved prime PCO lines (a prime PCO is approved when its PCCO is);
    - Revised Budget = Original Budget + Budget Modifications + Approved COs;
    - Pending Budget Changes: prime PCO lines in a Pending-family status;
    - Projected Budget = Revised Budget + Pending Budget Changes;
    - Committed Costs: SOV lines of approved commitments plus approved commitment CO lines;
    - Direct Costs (and Job to Date Costs, there being no ERP): submitted direct cost lines;
    - Pending Cost Changes: commitment CO lines in a Pending-family status;
    - Projected Costs = Committed Costs + Direct Costs + Pending Cost Changes;
    - Forecast to Complete (automatic strategy) = max(Projected Budget - Projected Costs, 0);
    - Estimated Cost at Completion = Projected Costs + Forecast to Complete;
    - Projected over Under = Projected Budget - Estimated Cost at Completion.

    Soft-deleted records count nowhere. Sums use ``Decimal`` on the served money strings, so
    the result is exact to the cent.
    """
    rows = company.project_rows("budget_view_detail_rows", project_id)
    if not rows:
        return
    zero = Decimal(0)
    columns = ("approved", "pending_budget", "committed", "direct", "pending_cost")
    sums: dict[tuple[int, int], dict[str, Decimal]] = {
        (row["cost_code_id"], row["category_id"]): dict.fromkeys(columns, zero) for row in rows
    }

    def add(line: Record, column: str) -> None:
        key = (line["cost_code"]["id"], line["line_item_type"]["id"])
        sums[key][column] += Decimal(line["amount"])

    primes = {p["id"] for p in company.project_rows("prime_contracts", project_id)}
    pco_column: dict[int, str] = {}
    for pco in company.project_rows("potential_change_orders", project_id):
        if pco["deleted_at"] is not None:
            continue
        prime_side = pco["contract_id"] in primes
        if pco["status"] == "approved":
            pco_column[pco["id"]] = "approved" if prime_side else "committed"
        elif pco["status"] in PENDING_STATUSES:
            pco_column[pco["id"]] = "pending_budget" if prime_side else "pending_cost"
    for line in company.project_rows("potential_change_order_line_items", project_id):
        column = pco_column.get(line["_parent_id"])
        if column is not None:
            add(line, column)
    for resource in ("work_order_contracts", "purchase_order_contracts"):
        committed = {c["id"] for c in company.project_rows(resource, project_id) if _committed(c)}
        for line in company.project_rows(f"{resource[:-1]}_line_items", project_id):
            if line["_parent_id"] in committed:
                add(line, "committed")
    counted = {
        cost["id"]
        for cost in company.project_rows("direct_costs", project_id)
        if cost["status"] in COUNTED_DIRECT_COST_STATUSES and cost["deleted_at"] is None
    }
    for line in company.project_rows("direct_cost_line_items", project_id):
        if line["_parent_id"] in counted:
            add(line, "direct")

    totals_by_row: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        got = sums[(row["cost_code_id"], row["category_id"])]
        original = Decimal(row["original_budget_amount"])
        modifications = Decimal(row["budget_modifications"])
        revised = original + modifications + got["approved"]
        projected_budget = revised + got["pending_budget"]
        projected_costs = got["committed"] + got["direct"] + got["pending_cost"]
        forecast = max(projected_budget - projected_costs, zero)
        estimated = projected_costs + forecast
        values = {
            "original_budget_amount": original,
            "budget_modifications": modifications,
            "Approved COs": got["approved"],
            "Revised Budget": revised,
            "Pending Budget Changes": got["pending_budget"],
            "Projected Budget": projected_budget,
            "Committed Costs": got["committed"],
            "Direct Costs": got["direct"],
            "Job to Date Costs": got["direct"],
            "Pending Cost Changes": got["pending_cost"],
            "Projected Costs": projected_costs,
            "budget_forecast": forecast,
            "Estimated Cost at Completion": estimated,
            "Projected over Under": projected_budget - estimated,
        }
        totals_by_row[row["id"]] = values
        for key in DISPLAY_COLUMNS:
            row[key] = _two(values[key])
        text = _two(forecast)
        row["budget_forecast"]["automatic_amount"] = text
        row["budget_forecast"]["amount"] = text

    for summary in company.project_rows("budget_view_summary_rows", project_id):
        total = dict.fromkeys(totals_by_row[rows[0]["id"]], zero)
        for row_id in summary["budget_line_item_ids"]:
            for key, value in totals_by_row[int(row_id)].items():
                total[key] += value
        summary["original_budget_amount"] = _two(total["original_budget_amount"])
        summary["budget_modifications"] = _two(total["budget_modifications"])
        summary["budget_forecast"] = {"amount": _two(total["budget_forecast"])}
        for key in DISPLAY_COLUMNS:
            summary[key] = _two(total[key])


def _two(value: Decimal) -> str:
    return str(value.quantize(_TWO))


# -- advance -----------------------------------------------------------------------------


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
    company = ctx.company
    pid = ctx.id
    clock = ctx.clock

    def moment() -> int:
        return _when(rng, start + 1, clock)

    elapsed = max(1.0, (start - ctx.start) / DAY)
    prime = company.project_rows("prime_contracts", pid)[0]
    primes = {prime["id"]}
    pcos = company.project_rows("potential_change_orders", pid)

    # Decisions on existing change orders come first: they were raised before ``since``.
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

    # Unpackaged prime PCOs get priced, then bundled into a new pending PCCO.
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

    # Commitments out for signature get signed.
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

    # New change events, some priced at once (new PCOs and commitment COs start undecided).
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

    # Direct costs: new ones, pending ones approved, a few drafts deleted for good.
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

    # Requisitions: the open one gets approved and paid, a new period gets billed.
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
