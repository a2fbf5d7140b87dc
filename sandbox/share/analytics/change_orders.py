"""The change order tables of both contract sides: PCOs, CORs, change orders and their lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.domain.common import Company, Record
from sandbox.domain.financials import PENDING_STATUSES

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
from .contracts import COMMITMENTS
from .values import (
    amounts,
    audit,
    day,
    instant,
    line_refs,
    live,
    live_ids,
    ref_id,
)


@dataclass
class _ChangeOrders:
    """Who is who among a company's change order records, live records only.

    The sandbox's change orders are Procore's objects: a package (what the owner or the
    subcontractor signs, served as a prime or commitment change order), potential change
    orders under it, and on three-tier prime contracts change order requests between them.
    """

    prime_ids: set[int]
    commitment_ids: set[int]
    live_packages: set[int]
    order_of_package: dict[int, int]
    pcos: list[Record]

    @classmethod
    def of(cls, company: Company) -> _ChangeOrders:
        live_packages = live_ids(company, "change_order_packages")
        order_of_package = {
            order["_package_id"]: order["id"]
            for resource in ("prime_change_orders", "commitment_change_orders")
            for order in company.rows(resource)
            if order["_package_id"] in live_packages
        }
        prime_ids = live_ids(company, "prime_contracts")
        commitment_ids = live_ids(company, "work_order_contracts", "purchase_order_contracts")
        pcos = [
            pco
            for pco in live(company.rows("potential_change_orders"))
            if (pco["_package_id"] is None or pco["_package_id"] in live_packages)
            and pco["contract_id"] in prime_ids | commitment_ids
        ]
        return cls(prime_ids, commitment_ids, live_packages, order_of_package, pcos)

    def order_of(self, record: Record) -> int | None:
        """The change order (package) a PCO or COR belongs to, if any."""
        return self.order_of_package.get(record.get("_package_id"))

    def pcos_of(self, side: set[int]) -> list[Record]:
        return [pco for pco in self.pcos if pco["contract_id"] in side]


def _pco_row(pco: Record, schedule_impact: bool) -> Record:
    row = {
        "number": pco["number"],
        "title": pco["title"],
        "status": pco["status"],
        "executed": pco["executed"],
        "change_reason": pco["change_reason"],
        "due_date": day(pco["due_date"]),
        "reviewed_at": instant(pco["reviewed_at"]),
        **amounts("grand_total", pco["grand_total"]),
        # The sandbox prices no markups: the extended total is the grand total.
        **amounts("extended_total", pco["grand_total"]),
        **audit(pco["created_at"], pco["updated_at"]),
    }
    if schedule_impact:
        row["schedule_impact_days"] = pco["schedule_impact_amount"]
    return row


_PCO_COLUMNS = (
    *strings("number", "title", "status"),
    Column("executed", BOOLEAN),
    Column("change_reason", STRING),
    Column("due_date", DATE),
    Column("reviewed_at", UTC_TIMESTAMP),
    *money("grand_total", "extended_total"),
)


def _commitment_potential_change_orders(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    return [
        {
            "commitment_potential_change_order_id": pco["id"],
            "company_id": company.company_id,
            "project_id": pco["_project_id"],
            "commitment_id": pco["contract_id"],
            "commitment_change_order_id": orders.order_of(pco),
            "change_event_id": pco.get("_event_id"),
            **_pco_row(pco, schedule_impact=False),
        }
        for pco in orders.pcos_of(orders.commitment_ids)
    ]


def _prime_contract_potential_change_orders(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    return [
        {
            "prime_contract_potential_change_order_id": pco["id"],
            "company_id": company.company_id,
            "project_id": pco["_project_id"],
            "prime_contract_id": pco["contract_id"],
            "prime_contract_change_order_request_id": pco["change_order_request_id"],
            "prime_contract_change_order_id": orders.order_of(pco),
            "change_event_id": pco.get("_event_id"),
            **_pco_row(pco, schedule_impact=True),
        }
        for pco in orders.pcos_of(orders.prime_ids)
    ]


_COR_COLUMNS = (
    *strings("number", "title", "status"),
    Column("due_date", DATE),
    Column("schedule_impact_days", BIGINT),
    *money("grand_total", "amount_without_markup"),
)


def _prime_contract_change_order_requests(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    return [
        {
            "prime_contract_change_order_request_id": cor["id"],
            "company_id": company.company_id,
            "project_id": cor["_project_id"],
            "prime_contract_id": cor["_contract_id"],
            "prime_contract_change_order_id": orders.order_of(cor),
            "number": cor["number"],
            "title": cor["title"],
            "status": cor["status"],
            "due_date": day(cor["due_date"]),
            "schedule_impact_days": cor["schedule_impact_amount"],
            **amounts("grand_total", cor["grand_total"]),
            **amounts("amount_without_markup", cor["grand_total"]),
            **audit(cor["created_at"], cor["updated_at"]),
        }
        for cor in live(company.rows("change_order_requests"))
        if cor["_contract_id"] in orders.prime_ids
        and (cor["_package_id"] is None or cor["_package_id"] in orders.live_packages)
    ]


def _commitment_change_order_requests(company: Company) -> list[Record]:
    # Commitments in the sandbox run two change order tiers (PCO -> CCO), so there are no
    # commitment change order requests: the table exists, empty, as for such a customer.
    return []


_ORDER_COLUMNS = (
    *strings("number", "title", "description", "status"),
    *typed(BOOLEAN, "executed", "paid"),
    Column("change_reason", STRING),
    Column("due_date", DATE),
    Column("signed_change_order_received_date", DATE),
    Column("reviewed_at", UTC_TIMESTAMP),
    Column("schedule_impact_days", BIGINT),
    *money("grand_total", "amount_without_markup"),
)


def _order_row(order: Record) -> Record:
    return {
        "number": order["number"],
        "title": order["title"],
        "description": order["description"],
        "status": order["status"],
        "executed": order["executed"],
        "paid": order["paid"],
        "change_reason": (order["change_order_change_reason"] or {}).get("change_reason"),
        "due_date": day(order["due_date"]),
        "signed_change_order_received_date": day(order["signed_change_order_received_date"]),
        "reviewed_at": instant(order["reviewed_at"]),
        "schedule_impact_days": order["schedule_impact_amount"],
        **amounts("grand_total", order["grand_total"]),
        **amounts("amount_without_markup", order["grand_total"]),
        **audit(order["created_at"], order["updated_at"]),
    }


def _change_orders(company: Company, resource: str, key: str, contract: str) -> list[Record]:
    orders = _ChangeOrders.of(company)
    live_contracts = orders.prime_ids if contract == "prime_contract_id" else orders.commitment_ids
    return [
        {
            key: order["id"],
            "company_id": company.company_id,
            "project_id": order["_project_id"],
            contract: order["contract_id"],
            **_order_row(order),
        }
        for order in company.rows(resource)
        if order["_package_id"] in orders.live_packages and order["contract_id"] in live_contracts
    ]


# The status buckets of change order lines, each named after a PCO status; "pendings" holds
# the whole Pending family (every status the budget counts as pending).
_BUCKETS = (
    "approved", "draft", "not_pricing", "pricing", "pending", "revised", "proceeding",
    "not_proceeding", "no_charge", "rejected", "void", "pending_billable",
)  # fmt: skip
_COMMITMENT_BUCKETS = ("pendings", *_BUCKETS)
_PRIME_BUCKETS = (*_BUCKETS, "pendings")


def _in_bucket(bucket: str, status: str) -> bool:
    return status in PENDING_STATUSES if bucket == "pendings" else status == bucket


def _bucket_columns(buckets: tuple[str, ...], markup: bool) -> tuple[Column, ...]:
    names = []
    for bucket in buckets:
        names.append(f"potential_change_order_{bucket}_amount")
        if markup:
            names.append(f"potential_change_order_{bucket}_amount_including_markup")
    return money(*names)


def _bucket_values(buckets: tuple[str, ...], markup: bool, status: str, amount: Any) -> Record:
    values: Record = {}
    for bucket in buckets:
        value = amount if _in_bucket(bucket, status) else 0
        values.update(amounts(f"potential_change_order_{bucket}_amount", value))
        if markup:
            # No markups in the sandbox: with and without markup are the same amount.
            values.update(
                amounts(f"potential_change_order_{bucket}_amount_including_markup", value)
            )
    return values


def _co_line_base(line: Record) -> Record:
    return {
        "change_event_line_item_id": ref_id(line["change_event_line_item"]),
        **line_refs(line),
        "description": line["description"],
        "quantity": line["quantity"],
        "uom": line["uom"],
        **amounts("unit_cost", line["unit_cost"]),
        **amounts("extended_amount", line["amount"]),
    }


def _pco_lines(company: Company, pcos: list[Record]) -> Iterator[tuple[Record, Record]]:
    for pco in pcos:
        for line in company.children("potential_change_order_line_items", pco["id"]):
            yield line, pco


def _commitment_change_order_line_items(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    vendors = {
        c["id"]: c["_vendor"]["id"]
        for resource, _ in COMMITMENTS
        for c in live(company.rows(resource))
    }
    rows = []
    for line, pco in _pco_lines(company, orders.pcos_of(orders.commitment_ids)):
        status = pco["status"]
        rows.append(
            {
                "commitment_change_order_line_item_id": line["id"],
                "company_id": company.company_id,
                "project_id": line["_project_id"],
                "commitment_id": pco["contract_id"],
                "commitment_change_order_id": orders.order_of(pco),
                "commitment_potential_change_order_id": pco["id"],
                "commitment_change_order_request_id": None,
                "vendor_id": vendors[pco["contract_id"]],
                **_co_line_base(line),
                **amounts("total_amount", line["amount"]),
                **amounts("amount_including_markup", line["amount"]),
                # Committed once approved: the budget's Committed Costs count these lines.
                **amounts(
                    "change_order_committed_amount", line["amount"] if status == "approved" else 0
                ),
                **_bucket_values(_COMMITMENT_BUCKETS, True, status, line["amount"]),
                **audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


def _prime_contract_change_order_line_items(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    rows = []
    for line, pco in _pco_lines(company, orders.pcos_of(orders.prime_ids)):
        rows.append(
            {
                "prime_contract_change_order_line_item_id": line["id"],
                "company_id": company.company_id,
                "project_id": line["_project_id"],
                "prime_contract_id": pco["contract_id"],
                "prime_contract_change_order_id": orders.order_of(pco),
                "prime_contract_potential_change_order_id": pco["id"],
                "prime_contract_change_order_request_id": pco["change_order_request_id"],
                "name": line["description"],
                **_co_line_base(line),
                **_bucket_values(_PRIME_BUCKETS, False, pco["status"], line["amount"]),
                **audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


_CO_LINE_COLUMNS = (
    *ids("change_event_line_item_id"),
    *LINE_REFS,
    Column("description", STRING),
    Column("quantity", DOUBLE),
    Column("uom", STRING),
    *money("unit_cost", "extended_amount"),
)


# The change order tables of commitments, in the order the share lists them.
COMMITMENT_CHANGE_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "commitment_potential_change_orders", "financials", "project",
        _commitment_potential_change_orders, "Potential change orders of commitments.",
        *ids("commitment_id", "commitment_change_order_id", "change_event_id"),
        *_PCO_COLUMNS,
    ),
    share_table(
        "commitment_change_order_requests", "financials", "project",
        _commitment_change_order_requests, "Change order requests of commitments.",
        *ids("commitment_id", "commitment_change_order_id"),
        *_COR_COLUMNS,
    ),
    share_table(
        "commitment_change_orders", "financials", "project",
        lambda company: _change_orders(
            company, "commitment_change_orders", "commitment_change_order_id", "commitment_id"
        ),
        "Commitment change orders.",
        *ids("commitment_id"),
        *_ORDER_COLUMNS,
    ),
    share_table(
        "commitment_change_order_line_items", "financials", "project",
        _commitment_change_order_line_items,
        "Commitment change order lines, one per PCO line, with amounts by PCO status.",
        *ids("commitment_id", "commitment_change_order_id",
              "commitment_potential_change_order_id", "commitment_change_order_request_id",
              "vendor_id"),
        *_CO_LINE_COLUMNS,
        *money("total_amount", "amount_including_markup", "change_order_committed_amount"),
        *_bucket_columns(_COMMITMENT_BUCKETS, markup=True),
    ),
)  # fmt: skip


# The change order tables of prime contracts, in the order the share lists them.
PRIME_CHANGE_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "prime_contract_potential_change_orders", "financials", "project",
        _prime_contract_potential_change_orders, "Potential change orders of prime contracts.",
        *ids("prime_contract_id", "prime_contract_change_order_request_id",
              "prime_contract_change_order_id", "change_event_id"),
        *_PCO_COLUMNS,
        Column("schedule_impact_days", BIGINT),
    ),
    share_table(
        "prime_contract_change_order_requests", "financials", "project",
        _prime_contract_change_order_requests,
        "Change order requests of prime contracts (three-tier projects).",
        *ids("prime_contract_id", "prime_contract_change_order_id"),
        *_COR_COLUMNS,
    ),
    share_table(
        "prime_contract_change_orders", "financials", "project",
        lambda company: _change_orders(
            company, "prime_change_orders", "prime_contract_change_order_id", "prime_contract_id"
        ),
        "Prime contract change orders.",
        *ids("prime_contract_id"),
        *_ORDER_COLUMNS,
    ),
    share_table(
        "prime_contract_change_order_line_items", "financials", "project",
        _prime_contract_change_order_line_items,
        "Prime change order lines, one per PCO line, with amounts by PCO status.",
        *ids("prime_contract_id", "prime_contract_change_order_id",
              "prime_contract_potential_change_order_id",
              "prime_contract_change_order_request_id"),
        Column("name", STRING),
        *_CO_LINE_COLUMNS,
        *_bucket_columns(_PRIME_BUCKETS, markup=False),
    ),
)  # fmt: skip
