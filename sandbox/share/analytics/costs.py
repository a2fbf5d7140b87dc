"""The cost tables: direct costs, their lines and subcontractor invoices."""

from __future__ import annotations

from sandbox.domain.common import Company, Record

from .columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    LINE_REFS,
    STRING,
    UTC_TIMESTAMP,
    Column,
    TableSpec,
    ids,
    money,
    share_table,
    strings,
    typed,
)
from .values import (
    amounts,
    audit,
    dates,
    day,
    instant,
    line_refs,
    live,
    live_ids,
)


def _direct_costs(company: Company) -> list[Record]:
    return [
        {
            "direct_cost_id": cost["id"],
            "company_id": company.company_id,
            "project_id": cost["_project_id"],
            "vendor_id": cost["vendor_id"],
            "vendor_name": cost["vendor_name"],
            "direct_cost_type": cost["direct_cost_type"],
            "status": cost["status"],
            "invoice_number": cost["invoice_number"],
            "description": cost["description"],
            "terms": cost["terms"],
            **dates(cost, "direct_cost_date", "received_date", "payment_date"),
            **amounts("amount_total", cost["amount"]),
            **amounts("amount_grand_total", cost["grand_total"]),
            **audit(cost["created_at"], cost["updated_at"]),
        }
        for cost in live(company.rows("direct_costs"))
    ]


def _direct_cost_line_items(company: Company) -> list[Record]:
    costs = {cost["id"]: cost for cost in live(company.rows("direct_costs"))}
    rows = []
    for line in company.rows("direct_cost_line_items"):
        cost = costs.get(line["_parent_id"])
        if cost is None:
            continue
        rows.append(
            {
                "direct_cost_line_item_id": line["id"],
                "company_id": company.company_id,
                "project_id": line["_project_id"],
                "direct_cost_id": cost["id"],
                "vendor_id": cost["vendor_id"],
                **line_refs(line),
                "description": line["description"],
                "quantity": line["quantity"],
                "uom": line["uom"],
                **amounts("unit_cost", line["unit_cost"]),
                **amounts("extended_amount", line["amount"]),
                **amounts("amount_total", line["amount"]),
                **audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


# subcontractor_invoices: each published figure and the REST requisition summary field it is.
_INVOICE_FIGURES = (
    ("net_change_by_change_orders", "net_change_by_change_orders"),
    ("contract_sum_to_date", "contract_sum_to_date"),
    ("total_completed_and_stored_to_date", "total_completed_and_stored_to_date"),
    ("completed_work_retainage_amount", "completed_work_retainage_amount"),
    ("retainage_materials_presently_stored", "stored_materials_retainage_amount"),
    ("total_retainage", "total_retainage"),
    ("total_earned_less_retainage", "total_earned_less_retainage"),
    ("less_certificates_for_payment", "less_previous_certificates_for_payment"),
    ("current_payment_due", "current_payment_due"),
    ("balance_to_finish", "balance_to_finish_including_retainage"),
)


def _subcontractor_invoices(company: Company) -> list[Record]:
    commitments = live_ids(company, "work_order_contracts", "purchase_order_contracts")
    rows = []
    for invoice in company.rows("requisitions"):
        if invoice["commitment_id"] not in commitments:
            continue
        summary = invoice["summary"] or {}
        figures: Record = {}
        for column, field in _INVOICE_FIGURES:
            figures.update(amounts(column, summary.get(field)))
        rows.append(
            {
                "subcontractor_invoice_id": invoice["id"],
                "company_id": company.company_id,
                "project_id": invoice["_project_id"],
                "commitment_id": invoice["commitment_id"],
                "vendor_id": invoice["vendor_id"],
                "vendor_name": invoice["vendor_name"],
                "number": invoice["number"],
                "invoice_number": invoice["invoice_number"],
                "status": invoice["status"],
                "final": invoice["final"],
                "billing_date": day(invoice["billing_date"]),
                "period_start_date": day(invoice["requisition_start"]),
                "period_end_date": day(invoice["requisition_end"]),
                "payment_date": day(invoice["payment_date"]),
                "submitted_at": instant(invoice["submitted_at"]),
                **amounts("total_contract_amount", summary.get("original_contract_sum"), True),
                **figures,
                **audit(invoice["created_at"], invoice["updated_at"]),
            }
        )
    return rows


# The cost tables, in the order the share lists them.
COST_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "direct_costs", "financials", "project", _direct_costs,
        "Direct costs: invoices, expenses, payroll.",
        *ids("vendor_id"),
        *strings("vendor_name", "direct_cost_type", "status", "invoice_number", "description",
                  "terms"),
        *typed(DATE, "direct_cost_date", "received_date", "payment_date"),
        *money("amount_total", "amount_grand_total"),
    ),
    share_table(
        "direct_cost_line_items", "financials", "project", _direct_cost_line_items,
        "Lines of direct costs; partitioned by project.",
        *ids("direct_cost_id", "vendor_id"),
        *LINE_REFS,
        Column("description", STRING), Column("quantity", DOUBLE), Column("uom", STRING),
        *money("unit_cost", "extended_amount", "amount_total"),
        partition_by=("project_id",),
    ),
    share_table(
        "subcontractor_invoices", "financials", "project", _subcontractor_invoices,
        "Subcontractor invoices (requisitions) against commitments.",
        *ids("commitment_id", "vendor_id"),
        Column("vendor_name", STRING), Column("number", BIGINT),
        *strings("invoice_number", "status"),
        Column("final", BOOLEAN),
        *typed(DATE, "billing_date", "period_start_date", "period_end_date", "payment_date"),
        Column("submitted_at", UTC_TIMESTAMP),
        *money("total_contract_amount", own=True),
        *money(*(column for column, _ in _INVOICE_FIGURES)),
    ),
)  # fmt: skip
