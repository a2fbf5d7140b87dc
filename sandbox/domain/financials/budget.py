"""The Budget tool: the budget view, its columns and its detail and summary rows.

``_budget`` sets the original amounts per budget code; ``compute_budget_rows`` derives
every other column from the contracts, change orders and costs, the way Procore's Standard
Budget view does.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from ..common import Company, Record, user_ref
from .change_orders import PENDING_STATUSES
from .context import (
    _money2,
    _Project,
    _ts,
)
from .contracts import _committed
from .costs import COUNTED_DIRECT_COST_STATUSES

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
_TWO = Decimal("0.01")


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
