"""The budget tables: cost codes, WBS and budget codes, budget lines, the Standard Budget view.

Budget figures are the REST budget detail rows' own, computed by
``sandbox.domain.financials.compute_budget_rows``; nothing here recomputes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from sandbox.domain.common import Company, Record

from .columns import (
    BIGINT,
    BOOLEAN,
    LINE_REFS,
    Column,
    TableSpec,
    ids,
    money,
    share_table,
    strings,
)
from .values import (
    amounts,
    audit,
    live,
    ref_id,
)


def _cost_codes(company: Company) -> list[Record]:
    return [
        {
            "cost_code_id": code["id"],
            "company_id": company.company_id,
            "project_id": code["_project_id"],
            "parent_id": ref_id(code["parent"]),
            "code": code["code"],
            "full_code": code["full_code"],
            "name": code["name"],
            "sortable_code": code["sortable_code"],
            "position": code["position"],
            "budgeted": code["budgeted"],
            **audit(code["created_at"], code["updated_at"]),
        }
        for code in live(company.rows("cost_codes"))
    ]


def _wbs_codes(company: Company) -> list[Record]:
    return [
        {
            "wbs_code_id": wbs["id"],
            "company_id": company.company_id,
            "project_id": wbs["_project_id"],
            "cost_code_id": wbs["_cost_code_id"],
            "line_item_type_id": wbs["_line_item_type_id"],
            "flat_code": wbs["flat_code"],
            "flat_name": wbs["flat_name"],
            "description": wbs["description"],
            "wbs_code_status": wbs["status"],
            **audit(wbs["created_at"], wbs["updated_at"]),
        }
        for wbs in company.rows("wbs_codes")
    ]


def _budget_codes(company: Company) -> list[Record]:
    rows = []
    for wbs in company.rows("wbs_codes"):
        # A budget code is one segment item per segment (Cost Code, Cost Type); Procore
        # publishes three attribute pairs, so a code with fewer segments leaves the rest null.
        attributes: Record = {}
        for number in (1, 2, 3):
            items = wbs["segment_items"]
            item = items[number - 1] if number <= len(items) else None
            attributes[f"attribute_{number}_name"] = (
                None if item is None else item["segment"]["name"]
            )
            attributes[f"attribute_{number}_line_item"] = (
                None if item is None else f"{item['path_code']} - {item['name']}"
            )
        rows.append(
            {
                "budget_code_id": wbs["id"],
                "company_id": company.company_id,
                "project_id": wbs["_project_id"],
                "wbs_code_id": wbs["id"],
                "cost_code_id": wbs["_cost_code_id"],
                "line_item_type_id": wbs["_line_item_type_id"],
                "budget_code": wbs["flat_code"],
                "description": wbs["description"],
                **attributes,
                **audit(wbs["created_at"], wbs["updated_at"]),
            }
        )
    return rows


def _budget_rows(company: Company) -> Iterator[tuple[Record, Record]]:
    """(REST budget detail row, its budget view), project by project."""
    for view in company.rows("budget_views"):
        for row in company.children("budget_view_detail_rows", view["id"]):
            yield row, view


def _budget_refs(row: Record) -> Record:
    return {
        "wbs_code_id": row["wbs_code_id"],
        "cost_code_id": row["cost_code_id"],
        "line_item_type_id": row["category_id"],
    }


def _budget_line_items(company: Company) -> list[Record]:
    # The original budget is set with the view and never changes afterwards.
    return [
        {
            "budget_line_item_id": row["id"],
            "company_id": company.company_id,
            "project_id": row["_project_id"],
            **_budget_refs(row),
            **amounts("original_budget_amount", row["original_budget_amount"]),
            **audit(view["created_at"], view["created_at"]),
        }
        for row, view in _budget_rows(company)
    ]


# budget_view_standard_columns: each published figure and how it reads a REST detail row (its
# "Standard Budget" display-name keys). Figures the sandbox has no source for are 0 where
# there is certainly nothing (no budget change tool, no manual forecasts) and null where it
# cannot say (invoices are not split by budget line); see docs/procore-analytics.md.
_STANDARD_FIGURES: tuple[tuple[str, Callable[[Record], Any]], ...] = (
    ("original_budget_amount", lambda row: row["original_budget_amount"]),
    ("budget_modifications", lambda row: row["budget_modifications"]),
    ("forecast_to_complete_automatic_sum", lambda row: row["budget_forecast"]["automatic_amount"]),
    ("forecast_to_complete_manual_sum", lambda row: row["budget_forecast"]["manual_amount"] or 0),
    ("forecast_to_complete_aggregate_sum", lambda row: row["budget_forecast"]["amount"]),
    ("approved_co_amount_sum", lambda row: row["Approved COs"]),
    ("approved_budget_changes_amount_sum", lambda row: 0),
    ("committed_costs_sum", lambda row: row["Committed Costs"]),
    ("direct_cost_total_amount_sum", lambda row: row["Direct Costs"]),
    ("pending_cost_changes_sum", lambda row: row["Pending Cost Changes"]),
    ("subcontractor_invoice_sum", lambda row: None),
    ("projected_costs_sum", lambda row: row["Projected Costs"]),
    ("estimated_cost_at_completion", lambda row: row["Estimated Cost at Completion"]),
    ("job_to_date_costs_sum", lambda row: row["Job to Date Costs"]),
    ("pending_co_sum", lambda row: row["Pending Budget Changes"]),
    ("revised_budget_sum", lambda row: row["Revised Budget"]),
    ("projected_budget_sum", lambda row: row["Projected Budget"]),
    ("projected_over_under_sum", lambda row: row["Projected over Under"]),
)


def _budget_view_standard_columns(company: Company) -> list[Record]:
    # One row per budget line of the view (Procore does not publish the grain). The figures
    # are recomputed at every refresh, so their audit time is the company's clock: the
    # moment the REST detail rows were computed too.
    clock = company.clock.isoformat()
    rows = []
    for row, view in _budget_rows(company):
        figures: Record = {}
        for name, read in _STANDARD_FIGURES:
            figures.update(amounts(name, read(row)))
        rows.append(
            {
                "budget_view_standard_column_id": row["id"],
                "company_id": company.company_id,
                "project_id": row["_project_id"],
                "budget_view_id": view["id"],
                "budget_line_item_id": row["id"],
                **_budget_refs(row),
                **figures,
                **audit(view["created_at"], clock),
            }
        )
    return rows


def _budget_modifications(company: Company) -> list[Record]:
    # The generator keeps one net transfer per budget line, so a modification is keyed by the
    # line it moves money into or out of.
    return [
        {
            "budget_modification_id": row["id"],
            "company_id": company.company_id,
            "project_id": row["_project_id"],
            "budget_line_item_id": row["id"],
            **_budget_refs(row),
            **amounts("transfer_amount", row["budget_modifications"]),
            **audit(view["created_at"], view["created_at"]),
        }
        for row, view in _budget_rows(company)
        if Decimal(row["budget_modifications"]) != 0
    ]


# The budget tables, in the order the share lists them.
BUDGET_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "cost_codes", "financials", "project", _cost_codes,
        "Each project's cost code tree (divisions are the roots).",
        *ids("parent_id"),
        *strings("code", "full_code", "name", "sortable_code"),
        Column("position", BIGINT), Column("budgeted", BOOLEAN),
    ),
    share_table(
        "wbs_codes", "financials", "project", _wbs_codes,
        "Work breakdown structure codes: cost code x cost type.",
        *ids("cost_code_id", "line_item_type_id"),
        *strings("flat_code", "flat_name", "description", "wbs_code_status"),
    ),
    share_table(
        "budget_codes", "financials", "project", _budget_codes,
        "Budget codes with their segment attributes.",
        *LINE_REFS,
        *strings("budget_code", "description", "attribute_1_name", "attribute_1_line_item",
                  "attribute_2_name", "attribute_2_line_item", "attribute_3_name",
                  "attribute_3_line_item"),
    ),
    share_table(
        "budget_line_items", "financials", "project", _budget_line_items,
        "Budget lines with their original budget.",
        *LINE_REFS,
        *money("original_budget_amount"),
    ),
    share_table(
        "budget_view_standard_columns", "financials", "project", _budget_view_standard_columns,
        "The Standard Budget view's figures, one row per budget line.",
        *ids("budget_view_id", "budget_line_item_id"),
        *LINE_REFS,
        *money(*(name for name, _ in _STANDARD_FIGURES)),
    ),
    share_table(
        "budget_modifications", "financials", "project", _budget_modifications,
        "Budget modifications: transfers into (positive) or out of budget lines.",
        *ids("budget_line_item_id"),
        *LINE_REFS,
        *money("transfer_amount"),
    ),
)  # fmt: skip
