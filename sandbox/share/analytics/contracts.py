"""The contract tables: commitments (subcontracts, purchase orders), prime contracts, lines."""

from __future__ import annotations

from decimal import Decimal

from sandbox.domain.common import Company, Record

from .columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    LINE_REFS,
    STRING,
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
    line_refs,
    live,
    ref_id,
    ref_name,
)

COMMITMENTS = (
    ("work_order_contracts", "WorkOrderContract"),
    ("purchase_order_contracts", "PurchaseOrderContract"),
)
# Commitment line amounts by their contract's status: Procore's four contract buckets. Other
# statuses (out for bid, terminated, void, the purchase order receipt statuses) fill none.
_CONTRACT_BUCKETS = {
    "Approved": "contracts_approved_amount",
    "Draft": "contracts_draft_amount",
    "Out For Signature": "contracts_out_for_signature_amount",
    "Complete": "contracts_complete_amount",
}


CONTRACT_DATES = (
    "contract_date",
    "contract_start_date",
    "contract_estimated_completion_date",
    "execution_date",
    "signed_contract_received_date",
    "actual_completion_date",
)


def _commitments(company: Company) -> list[Record]:
    rows = []
    for resource, kind in COMMITMENTS:
        for contract in live(company.rows(resource)):
            rows.append(
                {
                    "commitment_id": contract["id"],
                    "company_id": company.company_id,
                    "project_id": contract["_project_id"],
                    "vendor_id": contract["_vendor"]["id"],
                    "vendor_name": contract["_vendor"]["name"],
                    "commitment_type": kind,
                    "number": contract["number"],
                    "title": contract["title"],
                    "description": contract["description"],
                    "status": contract["status"],
                    "executed": contract["executed"],
                    "private": contract["private"],
                    "accounting_method": contract["accounting_method"],
                    **dates(contract, *CONTRACT_DATES, "delivery_date"),
                    **amounts("grand_total", contract["grand_total"]),
                    **amounts("approved_change_orders", contract["approved_change_orders"], True),
                    **amounts("pending_change_orders", contract["pending_change_orders"], True),
                    **amounts("draft_change_orders", contract["draft_change_orders_amount"], True),
                    **amounts("revised_contract_amount", contract["revised_contract"], True),
                    **amounts(
                        "pending_revised_contract_amount",
                        contract["pending_revised_contract"],
                        True,
                    ),
                    **amounts("invoiced", contract["total_requisitions_amount"], True),
                    **amounts("total_payments", contract["total_payments"]),
                    **amounts("remaining_balance", contract["remaining_balance_outstanding"], True),
                    **audit(contract["created_at"], contract["updated_at"]),
                }
            )
    return rows


def _commitment_line_items(company: Company) -> list[Record]:
    rows = []
    for resource, _ in COMMITMENTS:
        contracts = {c["id"]: c for c in live(company.rows(resource))}
        for line in company.rows(f"{resource[:-1]}_line_items"):
            contract = contracts.get(line["_parent_id"])
            if contract is None:
                continue
            buckets: Record = {}
            for status, bucket in _CONTRACT_BUCKETS.items():
                value = line["amount"] if contract["status"] == status else 0
                buckets.update(amounts(bucket, value, own=True))
            rows.append(
                {
                    "commitment_line_item_id": line["id"],
                    "company_id": company.company_id,
                    "project_id": line["_project_id"],
                    "commitment_id": contract["id"],
                    "vendor_id": contract["_vendor"]["id"],
                    **line_refs(line),
                    "description": line["description"],
                    "position": line["position"],
                    "quantity": line["quantity"],
                    "uom": line["uom"],
                    **amounts("unit_cost", line["unit_cost"]),
                    **amounts("extended_amount", line["amount"]),
                    **amounts("total_amount", line["amount"]),
                    **buckets,
                    **audit(line["created_at"], line["updated_at"]),
                }
            )
    return rows


def _prime_contracts(company: Company) -> list[Record]:
    rows = []
    for contract in live(company.rows("prime_contracts")):
        original = Decimal(contract["grand_total"])
        approved = Decimal(contract["approved_change_orders"])
        rows.append(
            {
                "prime_contract_id": contract["id"],
                "company_id": company.company_id,
                "project_id": contract["_project_id"],
                "vendor_id": ref_id(contract["vendor"]),
                "vendor_name": ref_name(contract["vendor"]),
                "number": contract["number"],
                "title": contract["title"],
                "description": contract["description"],
                "status": contract["status"],
                "executed": contract["executed"],
                "private": contract["private"],
                "accounting_method": contract["accounting_method"],
                **dates(contract, *CONTRACT_DATES),
                **amounts("grand_total", original),
                **amounts("approved_change_orders", approved, True),
                # Revised contract = original contract + approved change orders.
                **amounts("revised_contract_amount", original + approved, True),
                **audit(contract["created_at"], contract["updated_at"]),
            }
        )
    return rows


def _prime_contract_line_items(company: Company) -> list[Record]:
    primes = {c["id"]: c for c in live(company.rows("prime_contracts"))}
    rows = []
    for line in company.rows("prime_contract_line_items"):
        contract = primes.get(line["_parent_id"])
        if contract is None:
            continue
        rows.append(
            {
                "prime_contract_line_item_id": line["id"],
                "company_id": company.company_id,
                "project_id": line["_project_id"],
                "prime_contract_id": contract["id"],
                "vendor_id": ref_id(contract["vendor"]),
                **line_refs(line),
                "description": line["description"],
                "position": line["position"],
                "quantity": line["quantity"],
                "uom": line["uom"],
                "contract_status": contract["status"],
                **amounts("unit_cost", line["unit_cost"]),
                **amounts("amount", line["amount"]),
                **audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


_CONTRACT_DATE_COLUMNS = typed(DATE, *CONTRACT_DATES)


# The commitment tables, in the order the share lists them.
COMMITMENT_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "commitments", "financials", "project", _commitments,
        "Subcontracts and purchase orders with their change order and invoice totals.",
        *ids("vendor_id"),
        *strings("vendor_name", "commitment_type", "number", "title", "description", "status"),
        *typed(BOOLEAN, "executed", "private"),
        Column("accounting_method", STRING),
        *_CONTRACT_DATE_COLUMNS, Column("delivery_date", DATE),
        *money("grand_total"),
        *money("approved_change_orders", "pending_change_orders", "draft_change_orders",
                "revised_contract_amount", "pending_revised_contract_amount", "invoiced",
                own=True),
        *money("total_payments"),
        *money("remaining_balance", own=True),
    ),
    share_table(
        "commitment_line_items", "financials", "project", _commitment_line_items,
        "Schedule of values lines of commitments, with amounts by contract status.",
        *ids("commitment_id", "vendor_id"),
        *LINE_REFS,
        Column("description", STRING), Column("position", BIGINT),
        Column("quantity", DOUBLE), Column("uom", STRING),
        *money("unit_cost", "extended_amount", "total_amount"),
        *money(*_CONTRACT_BUCKETS.values(), own=True),
    ),
)  # fmt: skip


# The prime contract tables, in the order the share lists them.
PRIME_CONTRACT_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "prime_contracts", "financials", "project", _prime_contracts, "Prime (owner) contracts.",
        *ids("vendor_id"),
        *strings("vendor_name", "number", "title", "description", "status"),
        *typed(BOOLEAN, "executed", "private"),
        Column("accounting_method", STRING),
        *_CONTRACT_DATE_COLUMNS,
        *money("grand_total"),
        *money("approved_change_orders", "revised_contract_amount", own=True),
    ),
    share_table(
        "prime_contract_line_items", "financials", "project", _prime_contract_line_items,
        "Schedule of values lines of prime contracts.",
        *ids("prime_contract_id", "vendor_id"),
        *LINE_REFS,
        Column("description", STRING), Column("position", BIGINT),
        Column("quantity", DOUBLE), Column("uom", STRING), Column("contract_status", STRING),
        *money("unit_cost", "amount"),
    ),
)  # fmt: skip
