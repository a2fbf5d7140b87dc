"""The Procore Analytics 2.0 tables the sandbox shares: their columns and how rows are made.

Procore Analytics hands a customer its data as a Delta Share of snake_case tables
(docs/procore-analytics.md). This module describes the tables the warehouse's marts need
under Procore Analytics' names and column conventions, and builds their rows from the same
generated ``Company`` the REST API serves, so both doors show one company at one moment:

- every table is keyed by ``<entity>_id`` (the table name in the singular, ``rfis_bic`` ->
  ``rfi_bic_id``); there is no bare ``id``. A row that stands for a pair of records (a user on
  a project, a user holding an RFI) has a string key ``"<a>_<b>"``, the form Procore uses for
  its composite ids;
- every table carries ``company_id`` (one token may see several companies, so their rows
  share a table), and every project-level table ``project_id``, both bigint;
- money is ``decimal(38,5)``, in project and company currency (``<amount>_project_currency``,
  ``<amount>_company_currency``) and, where Procore also publishes the unsuffixed form (the
  record's own currency), that too. The generated company works in US dollars only, so the
  figures of one amount are equal;
- ``created_at``, ``updated_at`` and ``audit_transaction_timestamp`` close every table, as UTC
  timestamps; rows made from a nested list carry the timestamps of the record holding it;
- only live records: soft-deleted records (``deleted_at`` set), records gone from the
  company, and the children of either are left out. There is no delete marker.

Rows are plain dicts with exactly the table's column names, in Python values (int, str,
bool, ``Decimal``, ``date``, aware ``datetime``); ``sandbox.share.tables`` turns them into
Arrow tables and Delta versions. Budget figures are the REST budget detail rows' own,
computed by ``sandbox.domain.financials.compute_budget_rows``; nothing here recomputes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from sandbox.domain.common import Company, Record
from sandbox.domain.financials import PENDING_STATUSES

__all__ = [
    "DOMAINS",
    "MONEY",
    "NAIVE_TIMESTAMP",
    "SHARE_TABLES",
    "UTC_TIMESTAMP",
    "Column",
    "TableSpec",
    "singular",
]

MONEY = pa.decimal128(38, 5)
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
NAIVE_TIMESTAMP = pa.timestamp("us")
BIGINT = pa.int64()
STRING = pa.string()
BOOLEAN = pa.bool_()
DATE = pa.date32()
DOUBLE = pa.float64()

# The domains a table belongs to: the groups Procore's change log files new tables under
# (Financial, Project Management) plus the core directory tables.
DOMAINS = ("core", "financials", "project_management")
AUDIT_COLUMNS = ("created_at", "updated_at", "audit_transaction_timestamp")
_SCALE = Decimal("0.00001")
# Words of table names that end in "s" without being plurals.
_NOT_PLURAL = frozenset({"wbs"})


@dataclass(frozen=True)
class Column:
    """One column of a shared table."""

    name: str
    type: pa.DataType
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One Procore Analytics table: its columns and where its rows come from.

    Attributes:
        name: The table name, as Procore Analytics spells it.
        domain: The group the table belongs to (``DOMAINS``); the share settings decide
            whether it is also the table's schema.
        key: The ``<entity>_id`` column identifying a row; ``sync_share`` merges on it.
        level: ``"company"`` for directory tables, ``"project"`` for tables whose rows
            belong to a project (they carry ``project_id``).
        columns: The columns, in order; the key first.
        rows: The live rows of the company, as dicts of exactly the column names.
        description: The table's Delta description.
        partition_by: Delta partition columns.
    """

    name: str
    domain: str
    key: str
    level: str
    columns: tuple[Column, ...]
    rows: Callable[[Company], list[Record]]
    description: str
    partition_by: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
        return [column.name for column in self.columns]


def singular(table: str) -> str:
    """A table name in the singular, word by word: ``rfis_bic`` -> ``rfi_bic``."""

    def one(word: str) -> str:
        if word in _NOT_PLURAL:
            return word
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith("ss"):
            return word[:-1]
        return word

    return "_".join(one(word) for word in table.split("_"))


# -- column declarations ----------------------------------------------------------------------


def _keys(key: str, level: str, key_type: pa.DataType = BIGINT) -> tuple[Column, ...]:
    """The key, ``company_id`` and, on project tables, ``project_id``: never null."""
    columns = [Column(key, key_type, nullable=False)]
    if key != "company_id":
        columns.append(Column("company_id", BIGINT, nullable=False))
    if level == "project" and key != "project_id":
        columns.append(Column("project_id", BIGINT, nullable=False))
    return tuple(columns)


def _ids(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, BIGINT) for name in names)


def _strings(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, STRING) for name in names)


def _typed(kind: pa.DataType, *names: str) -> tuple[Column, ...]:
    return tuple(Column(name, kind) for name in names)


def _money_names(name: str, own: bool) -> tuple[str, ...]:
    suffixed = (f"{name}_project_currency", f"{name}_company_currency")
    return (name, *suffixed) if own else suffixed


def _money(*names: str, own: bool = False) -> tuple[Column, ...]:
    """Currency columns: each amount in project and company currency.

    With ``own``, also the unsuffixed amount (the record's own currency), for the tables
    where Procore publishes that form.
    """
    return tuple(Column(column, MONEY) for name in names for column in _money_names(name, own))


_AUDIT = tuple(Column(name, UTC_TIMESTAMP) for name in AUDIT_COLUMNS)


# -- value helpers ----------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    """A REST amount (a decimal string, or a JSON number) as an exact 5-place ``Decimal``."""
    if value is None:
        return None
    # repr() of a float is its shortest round-tripping text, so 19433.1 stays 19433.1.
    text = repr(value) if isinstance(value, float) else str(value)
    return Decimal(text).quantize(_SCALE)


def _amounts(name: str, value: Any, own: bool = False) -> Record:
    """The values of one amount's currency columns (one currency: all equal)."""
    amount = _decimal(value)
    return dict.fromkeys(_money_names(name, own), amount)


def _instant(value: str | None) -> datetime | None:
    """A Procore ``...Z`` timestamp as an aware UTC datetime."""
    return None if value is None else datetime.fromisoformat(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _audit(created: str | None, updated: str | None) -> Record:
    """The audit columns: the audited change is the record's last update."""
    return {
        "created_at": _instant(created),
        "updated_at": _instant(updated),
        "audit_transaction_timestamp": _instant(updated or created),
    }


def _ref_id(ref: Record | None) -> int | None:
    return None if ref is None else ref.get("id")


def _ref_name(ref: Record | None) -> str | None:
    return None if ref is None else ref.get("name")


def _id_list(refs: Iterable[Record]) -> str | None:
    """A list of ids as Procore's ``*_id_list`` columns: ids joined by commas.

    Procore does not publish the type; a string survives every reader.
    """
    ids = [str(ref["id"]) for ref in refs]
    return ",".join(ids) if ids else None


def _live(records: Iterable[Record]) -> Iterator[Record]:
    return (record for record in records if record.get("deleted_at") is None)


def _live_ids(company: Company, *resources: str) -> set[int]:
    return {record["id"] for resource in resources for record in _live(company.rows(resource))}


# -- core -------------------------------------------------------------------------------------


def _companies(company: Company) -> list[Record]:
    record = company.company
    # The REST company record has no timestamps, so neither has its row.
    return [
        {
            "company_id": record["id"],
            "name": record["name"],
            "is_active": record["is_active"],
            **_audit(None, None),
        }
    ]


def _projects(company: Company) -> list[Record]:
    return [
        {
            "project_id": project["id"],
            "company_id": company.company_id,
            "name": project["name"],
            "display_name": project["display_name"],
            "project_number": project["project_number"],
            "address": project["address"],
            "city": project["city"],
            "state_code": project["state_code"],
            "zip": project["zip"],
            "country_code": project["country_code"],
            "time_zone": project["time_zone"],
            "stage": project["stage"],
            "is_active": project["active"],
            "start_date": _day(project["start_date"]),
            "completion_date": _day(project["completion_date"]),
            "projected_finish_date": _day(project["projected_finish_date"]),
            **_amounts("total_value", project["total_value"]),
            "sector": project["sector"],
            "work_scope": project["work_scope"],
            "delivery_method": project["delivery_method"],
            "store_number": project["store_number"],
            "external_origin_id": project["origin_id"],
            **_audit(project["created_at"], project["updated_at"]),
        }
        for project in company.projects
    ]


def _user_company(company: Company, user: Record) -> str:
    """The company a user works for: their vendor, or the company itself."""
    return _ref_name(user["vendor"]) or company.company["name"]


def _users(company: Company) -> list[Record]:
    return [
        {
            "user_id": user["id"],
            "company_id": company.company_id,
            "name": user["name"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "login": user["login"],
            "email_address": user["email_address"],
            "job_title": user["job_title"],
            "is_active": user["is_active"],
            "is_employee": user["is_employee"],
            "employee_id": user["employee_id"],
            "vendor_id": _ref_id(user["vendor"]),
            "vendor_name": _ref_name(user["vendor"]),
            "company_name": _user_company(company, user),
            "origin_id": user["origin_id"],
            **_audit(user["created_at"], user["updated_at"]),
        }
        for user in company.rows("company_users")
    ]


def _project_users(company: Company) -> list[Record]:
    return [
        {
            "project_user_id": f"{user['_project_id']}_{user['id']}",
            "company_id": company.company_id,
            "project_id": user["_project_id"],
            "user_id": user["id"],
            "name": user["name"],
            "email_address": user["email_address"],
            "job_title": user["job_title"],
            "is_active": user["is_active"],
            "is_employee": user["is_employee"],
            "vendor_id": _ref_id(user["vendor"]),
            "permission_template_name": _ref_name(user["permission_template"]),
            **_audit(user["created_at"], user["updated_at"]),
        }
        for user in company.rows("project_users")
    ]


def _vendors(company: Company) -> list[Record]:
    return [
        {
            "vendor_id": vendor["id"],
            "company_id": company.company_id,
            "parent_vendor_id": _ref_id(vendor["parent"]),
            "name": vendor["name"],
            "abbreviated_name": vendor["abbreviated_name"],
            "legal_name": vendor["legal_name"],
            "trade_name": vendor["trade_name"],
            "address": vendor["address"],
            "city": vendor["city"],
            "state_code": vendor["state_code"],
            "zip": vendor["zip"],
            "country_code": vendor["country_code"],
            "business_phone": vendor["business_phone"],
            "email_address": vendor["email_address"],
            "license_number": vendor["license_number"],
            "is_active": vendor["is_active"],
            "authorized_bidder": vendor["authorized_bidder"],
            "prequalified": vendor["prequalified"],
            "union_member": vendor["union_member"],
            "trades": ",".join(trade["name"] for trade in vendor["trades"]) or None,
            "external_origin_id": vendor["origin_id"],
            **_audit(vendor["created_at"], vendor["updated_at"]),
        }
        for vendor in company.vendors
    ]


# -- budget -----------------------------------------------------------------------------------


def _cost_codes(company: Company) -> list[Record]:
    return [
        {
            "cost_code_id": code["id"],
            "company_id": company.company_id,
            "project_id": code["_project_id"],
            "parent_id": _ref_id(code["parent"]),
            "code": code["code"],
            "full_code": code["full_code"],
            "name": code["name"],
            "sortable_code": code["sortable_code"],
            "position": code["position"],
            "budgeted": code["budgeted"],
            **_audit(code["created_at"], code["updated_at"]),
        }
        for code in _live(company.rows("cost_codes"))
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
            **_audit(wbs["created_at"], wbs["updated_at"]),
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
                **_audit(wbs["created_at"], wbs["updated_at"]),
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
            **_amounts("original_budget_amount", row["original_budget_amount"]),
            **_audit(view["created_at"], view["created_at"]),
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
            figures.update(_amounts(name, read(row)))
        rows.append(
            {
                "budget_view_standard_column_id": row["id"],
                "company_id": company.company_id,
                "project_id": row["_project_id"],
                "budget_view_id": view["id"],
                "budget_line_item_id": row["id"],
                **_budget_refs(row),
                **figures,
                **_audit(view["created_at"], clock),
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
            **_amounts("transfer_amount", row["budget_modifications"]),
            **_audit(view["created_at"], view["created_at"]),
        }
        for row, view in _budget_rows(company)
        if Decimal(row["budget_modifications"]) != 0
    ]


# -- contracts --------------------------------------------------------------------------------

_COMMITMENTS = (
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


def _line_refs(line: Record) -> Record:
    """The budget code references every contract line carries."""
    return {
        "wbs_code_id": _ref_id(line["wbs_code"]),
        "cost_code_id": _ref_id(line["cost_code"]),
        "line_item_type_id": _ref_id(line["line_item_type"]),
    }


def _dates(record: Record, *names: str) -> Record:
    return {name: _day(record.get(name)) for name in names}


_CONTRACT_DATES = (
    "contract_date",
    "contract_start_date",
    "contract_estimated_completion_date",
    "execution_date",
    "signed_contract_received_date",
    "actual_completion_date",
)


def _commitments(company: Company) -> list[Record]:
    rows = []
    for resource, kind in _COMMITMENTS:
        for contract in _live(company.rows(resource)):
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
                    **_dates(contract, *_CONTRACT_DATES, "delivery_date"),
                    **_amounts("grand_total", contract["grand_total"]),
                    **_amounts("approved_change_orders", contract["approved_change_orders"], True),
                    **_amounts("pending_change_orders", contract["pending_change_orders"], True),
                    **_amounts("draft_change_orders", contract["draft_change_orders_amount"], True),
                    **_amounts("revised_contract_amount", contract["revised_contract"], True),
                    **_amounts(
                        "pending_revised_contract_amount",
                        contract["pending_revised_contract"],
                        True,
                    ),
                    **_amounts("invoiced", contract["total_requisitions_amount"], True),
                    **_amounts("total_payments", contract["total_payments"]),
                    **_amounts(
                        "remaining_balance", contract["remaining_balance_outstanding"], True
                    ),
                    **_audit(contract["created_at"], contract["updated_at"]),
                }
            )
    return rows


def _commitment_line_items(company: Company) -> list[Record]:
    rows = []
    for resource, _ in _COMMITMENTS:
        contracts = {c["id"]: c for c in _live(company.rows(resource))}
        for line in company.rows(f"{resource[:-1]}_line_items"):
            contract = contracts.get(line["_parent_id"])
            if contract is None:
                continue
            buckets: Record = {}
            for status, bucket in _CONTRACT_BUCKETS.items():
                value = line["amount"] if contract["status"] == status else 0
                buckets.update(_amounts(bucket, value, own=True))
            rows.append(
                {
                    "commitment_line_item_id": line["id"],
                    "company_id": company.company_id,
                    "project_id": line["_project_id"],
                    "commitment_id": contract["id"],
                    "vendor_id": contract["_vendor"]["id"],
                    **_line_refs(line),
                    "description": line["description"],
                    "position": line["position"],
                    "quantity": line["quantity"],
                    "uom": line["uom"],
                    **_amounts("unit_cost", line["unit_cost"]),
                    **_amounts("extended_amount", line["amount"]),
                    **_amounts("total_amount", line["amount"]),
                    **buckets,
                    **_audit(line["created_at"], line["updated_at"]),
                }
            )
    return rows


def _prime_contracts(company: Company) -> list[Record]:
    rows = []
    for contract in _live(company.rows("prime_contracts")):
        original = Decimal(contract["grand_total"])
        approved = Decimal(contract["approved_change_orders"])
        rows.append(
            {
                "prime_contract_id": contract["id"],
                "company_id": company.company_id,
                "project_id": contract["_project_id"],
                "vendor_id": _ref_id(contract["vendor"]),
                "vendor_name": _ref_name(contract["vendor"]),
                "number": contract["number"],
                "title": contract["title"],
                "description": contract["description"],
                "status": contract["status"],
                "executed": contract["executed"],
                "private": contract["private"],
                "accounting_method": contract["accounting_method"],
                **_dates(contract, *_CONTRACT_DATES),
                **_amounts("grand_total", original),
                **_amounts("approved_change_orders", approved, True),
                # Revised contract = original contract + approved change orders.
                **_amounts("revised_contract_amount", original + approved, True),
                **_audit(contract["created_at"], contract["updated_at"]),
            }
        )
    return rows


def _prime_contract_line_items(company: Company) -> list[Record]:
    primes = {c["id"]: c for c in _live(company.rows("prime_contracts"))}
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
                "vendor_id": _ref_id(contract["vendor"]),
                **_line_refs(line),
                "description": line["description"],
                "position": line["position"],
                "quantity": line["quantity"],
                "uom": line["uom"],
                "contract_status": contract["status"],
                **_amounts("unit_cost", line["unit_cost"]),
                **_amounts("amount", line["amount"]),
                **_audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


# -- change management ------------------------------------------------------------------------


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
        live_packages = _live_ids(company, "change_order_packages")
        order_of_package = {
            order["_package_id"]: order["id"]
            for resource in ("prime_change_orders", "commitment_change_orders")
            for order in company.rows(resource)
            if order["_package_id"] in live_packages
        }
        prime_ids = _live_ids(company, "prime_contracts")
        commitment_ids = _live_ids(company, "work_order_contracts", "purchase_order_contracts")
        pcos = [
            pco
            for pco in _live(company.rows("potential_change_orders"))
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
        "due_date": _day(pco["due_date"]),
        "reviewed_at": _instant(pco["reviewed_at"]),
        **_amounts("grand_total", pco["grand_total"]),
        # The sandbox prices no markups: the extended total is the grand total.
        **_amounts("extended_total", pco["grand_total"]),
        **_audit(pco["created_at"], pco["updated_at"]),
    }
    if schedule_impact:
        row["schedule_impact_days"] = pco["schedule_impact_amount"]
    return row


_PCO_COLUMNS = (
    *_strings("number", "title", "status"),
    Column("executed", BOOLEAN),
    Column("change_reason", STRING),
    Column("due_date", DATE),
    Column("reviewed_at", UTC_TIMESTAMP),
    *_money("grand_total", "extended_total"),
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
    *_strings("number", "title", "status"),
    Column("due_date", DATE),
    Column("schedule_impact_days", BIGINT),
    *_money("grand_total", "amount_without_markup"),
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
            "due_date": _day(cor["due_date"]),
            "schedule_impact_days": cor["schedule_impact_amount"],
            **_amounts("grand_total", cor["grand_total"]),
            **_amounts("amount_without_markup", cor["grand_total"]),
            **_audit(cor["created_at"], cor["updated_at"]),
        }
        for cor in _live(company.rows("change_order_requests"))
        if cor["_contract_id"] in orders.prime_ids
        and (cor["_package_id"] is None or cor["_package_id"] in orders.live_packages)
    ]


def _commitment_change_order_requests(company: Company) -> list[Record]:
    # Commitments in the sandbox run two change order tiers (PCO -> CCO), so there are no
    # commitment change order requests: the table exists, empty, as for such a customer.
    return []


_ORDER_COLUMNS = (
    *_strings("number", "title", "description", "status"),
    *_typed(BOOLEAN, "executed", "paid"),
    Column("change_reason", STRING),
    Column("due_date", DATE),
    Column("signed_change_order_received_date", DATE),
    Column("reviewed_at", UTC_TIMESTAMP),
    Column("schedule_impact_days", BIGINT),
    *_money("grand_total", "amount_without_markup"),
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
        "due_date": _day(order["due_date"]),
        "signed_change_order_received_date": _day(order["signed_change_order_received_date"]),
        "reviewed_at": _instant(order["reviewed_at"]),
        "schedule_impact_days": order["schedule_impact_amount"],
        **_amounts("grand_total", order["grand_total"]),
        **_amounts("amount_without_markup", order["grand_total"]),
        **_audit(order["created_at"], order["updated_at"]),
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
    return _money(*names)


def _bucket_values(buckets: tuple[str, ...], markup: bool, status: str, amount: Any) -> Record:
    values: Record = {}
    for bucket in buckets:
        value = amount if _in_bucket(bucket, status) else 0
        values.update(_amounts(f"potential_change_order_{bucket}_amount", value))
        if markup:
            # No markups in the sandbox: with and without markup are the same amount.
            values.update(
                _amounts(f"potential_change_order_{bucket}_amount_including_markup", value)
            )
    return values


def _co_line_base(line: Record) -> Record:
    return {
        "change_event_line_item_id": _ref_id(line["change_event_line_item"]),
        **_line_refs(line),
        "description": line["description"],
        "quantity": line["quantity"],
        "uom": line["uom"],
        **_amounts("unit_cost", line["unit_cost"]),
        **_amounts("extended_amount", line["amount"]),
    }


def _pco_lines(company: Company, pcos: list[Record]) -> Iterator[tuple[Record, Record]]:
    for pco in pcos:
        for line in company.children("potential_change_order_line_items", pco["id"]):
            yield line, pco


def _commitment_change_order_line_items(company: Company) -> list[Record]:
    orders = _ChangeOrders.of(company)
    vendors = {
        c["id"]: c["_vendor"]["id"]
        for resource, _ in _COMMITMENTS
        for c in _live(company.rows(resource))
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
                **_amounts("total_amount", line["amount"]),
                **_amounts("amount_including_markup", line["amount"]),
                # Committed once approved: the budget's Committed Costs count these lines.
                **_amounts(
                    "change_order_committed_amount", line["amount"] if status == "approved" else 0
                ),
                **_bucket_values(_COMMITMENT_BUCKETS, True, status, line["amount"]),
                **_audit(line["created_at"], line["updated_at"]),
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
                **_audit(line["created_at"], line["updated_at"]),
            }
        )
    return rows


def _change_events(company: Company) -> list[Record]:
    return [
        {
            "change_event_id": event["id"],
            "company_id": company.company_id,
            "project_id": event["_project_id"],
            "number": event["number"],
            "alphanumeric_number": event["alphanumeric_number"],
            "title": event["title"],
            "description": event["description"],
            "status": event["status"],
            "change_event_status": _ref_name(event["change_event_status"]),
            "event_type": event["event_type"],
            "event_scope": event["event_scope"],
            "change_reason": (event["change_order_change_reason"] or {}).get("change_reason"),
            "rfi_id": _ref_id(event["rfi"]),
            "created_by_id": _ref_id(event["created_by"]),
            "external_origin_id": event["origin_id"],
            **_audit(event["created_at"], event["updated_at"]),
        }
        for event in _live(company.rows("change_events"))
    ]


def _event_lines(company: Company) -> Iterator[tuple[Record, Record]]:
    """(line, change event) of every live change event; lines carry its timestamps."""
    for event in _live(company.rows("change_events")):
        for line in event["change_event_line_items"] or ():
            yield line, event


def _rom(line: Record) -> Record:
    """A change event line's rough orders of magnitude: cost (estimate) and revenue."""
    return {
        **_amounts("cost_rom", line["estimated_cost_amount"]),
        **_amounts("cost_rom_unit_cost", line["estimated_cost_unit_cost"]),
        **_amounts("revenue_rom_unit_cost", line["rom"]),
    }


def _change_event_line_items(company: Company) -> list[Record]:
    return [
        {
            "change_event_line_item_id": line["id"],
            "company_id": company.company_id,
            "project_id": event["_project_id"],
            "change_event_id": event["id"],
            "wbs_code_id": _ref_id(line["budget_code"]),
            "cost_code_id": line["cost_code_id"],
            "line_item_type_id": line["line_item_type_id"],
            "commitment_id": _ref_id(line["contract"]),
            "vendor_id": _ref_id(line["vendor"]),
            "description": line["description"],
            "quantity": line["estimated_cost_quantity"],
            "uom": line["uom"],
            **_rom(line),
            # The revenue ROM is priced for a quantity of one: its total is its unit cost.
            **_amounts("revenue_rom", line["rom"]),
            **_audit(event["created_at"], event["updated_at"]),
        }
        for line, event in _event_lines(company)
    ]


def _change_event_line_item_with_markups(company: Company) -> list[Record]:
    rows = []
    for line, event in _event_lines(company):
        estimated = Decimal(line["estimated_cost_amount"])
        committed = Decimal(str(line["commitment_pco_cost"] or 0))
        contract = line["contract"] or {}
        rows.append(
            {
                "change_event_line_item_with_markup_id": line["id"],
                "company_id": company.company_id,
                "project_id": event["_project_id"],
                "change_event_line_item_id": line["id"],
                "change_event_id": event["id"],
                "change_event_events_id": event["id"],
                "change_event_title": event["title"],
                "change_event_status": _ref_name(event["change_event_status"]),
                "event_scope": event["event_scope"],
                "wbs_code_id": _ref_id(line["budget_code"]),
                "contract_id": contract.get("id"),
                "contract_number": contract.get("number"),
                "contract_title": contract.get("title"),
                "vendor_name": _ref_name(line["vendor"]),
                "proposed_vendor_id": line["proposed_vendor_id"],
                "proposed_contract_id": line["proposed_contract_id"],
                "biller_id": line["biller"]["id"],
                "biller_name": line["biller"]["name"],
                "biller_model_name": line["biller"]["model_name"],
                **_amounts("estimated_cost_amount", estimated, own=True),
                # Not yet committed: the estimate less what commitment change orders price.
                **_amounts("non_committed_cost", max(estimated - committed, Decimal(0)), True),
                **_rom(line),
                **_audit(event["created_at"], event["updated_at"]),
            }
        )
    return rows


# -- costs and invoices -----------------------------------------------------------------------


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
            **_dates(cost, "direct_cost_date", "received_date", "payment_date"),
            **_amounts("amount_total", cost["amount"]),
            **_amounts("amount_grand_total", cost["grand_total"]),
            **_audit(cost["created_at"], cost["updated_at"]),
        }
        for cost in _live(company.rows("direct_costs"))
    ]


def _direct_cost_line_items(company: Company) -> list[Record]:
    costs = {cost["id"]: cost for cost in _live(company.rows("direct_costs"))}
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
                **_line_refs(line),
                "description": line["description"],
                "quantity": line["quantity"],
                "uom": line["uom"],
                **_amounts("unit_cost", line["unit_cost"]),
                **_amounts("extended_amount", line["amount"]),
                **_amounts("amount_total", line["amount"]),
                **_audit(line["created_at"], line["updated_at"]),
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
    commitments = _live_ids(company, "work_order_contracts", "purchase_order_contracts")
    rows = []
    for invoice in company.rows("requisitions"):
        if invoice["commitment_id"] not in commitments:
            continue
        summary = invoice["summary"] or {}
        figures: Record = {}
        for column, field in _INVOICE_FIGURES:
            figures.update(_amounts(column, summary.get(field)))
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
                "billing_date": _day(invoice["billing_date"]),
                "period_start_date": _day(invoice["requisition_start"]),
                "period_end_date": _day(invoice["requisition_end"]),
                "payment_date": _day(invoice["payment_date"]),
                "submitted_at": _instant(invoice["submitted_at"]),
                **_amounts("total_contract_amount", summary.get("original_contract_sum"), True),
                **figures,
                **_audit(invoice["created_at"], invoice["updated_at"]),
            }
        )
    return rows


# -- RFIs and submittals ----------------------------------------------------------------------


def _live_rfis(company: Company) -> list[Record]:
    return list(_live(company.rows("rfis")))


def _rfis(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        cost, schedule = rfi["cost_impact"] or {}, rfi["schedule_impact"] or {}
        days = schedule.get("value")
        rows.append(
            {
                "rfi_id": rfi["id"],
                "company_id": company.company_id,
                "project_id": rfi["_project_id"],
                "number": rfi["number"],
                "full_number": rfi["full_number"],
                "subject": rfi["subject"],
                "status": rfi["status"],
                "private": rfi["private"],
                "due_date": _day(rfi["due_date"]),
                "initiated_at": _instant(rfi["initiated_at"]),
                "closed_at": _instant(rfi["time_resolved"]),
                "assignee_id": _ref_id(rfi["assignee"]),
                "assignee_id_list": _id_list(rfi["assignees"]),
                "rfi_manager_id": _ref_id(rfi["rfi_manager"]),
                "received_from_id": _ref_id(rfi["received_from"]),
                "created_by_id": _ref_id(rfi["created_by"]),
                "responsible_contractor_id": _ref_id(rfi["responsible_contractor"]),
                "cost_code_id": _ref_id(rfi["cost_code"]),
                "location_id": rfi["location_id"],
                "location_name": _ref_name(rfi["location"]),
                "cost_impact_status": cost.get("status"),
                **_amounts("cost_impact_amount", cost.get("value")),
                "schedule_impact_status": schedule.get("status"),
                "schedule_impact_days": None if days is None else int(days),
                **_audit(rfi["created_at"], rfi["updated_at"]),
            }
        )
    return rows


def _rfis_bic(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        assignees = {person["id"]: person for person in rfi["assignees"]}
        manager = _ref_id(rfi["rfi_manager"])
        for person in rfi["ball_in_courts"]:
            assignee = assignees.get(person["id"])
            if assignee is not None:
                role, required = "Assignee", bool(assignee.get("response_required"))
            else:
                role, required = ("RFI Manager" if person["id"] == manager else None), False
            rows.append(
                {
                    "rfi_bic_id": f"{rfi['id']}_{person['id']}",
                    "company_id": company.company_id,
                    "project_id": rfi["_project_id"],
                    "rfi_id": rfi["id"],
                    "user_id": person["id"],
                    "user_name": person["name"],
                    "ball_in_court_role": role,
                    "response_required": required,
                    **_audit(rfi["created_at"], rfi["updated_at"]),
                }
            )
    return rows


def _rfi_responses(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        replies = company.children("rfi_replies", rfi["id"])
        latest = max(replies, key=lambda r: (r["answer_date"] or "", r["id"]), default=None)
        for reply in replies:
            rows.append(
                {
                    "rfi_response_id": reply["id"],
                    "company_id": company.company_id,
                    "project_id": rfi["_project_id"],
                    "rfi_id": rfi["id"],
                    "created_by_id": reply["created_by_id"],
                    "body": reply["plain_text_body"],
                    "official": reply["official"],
                    "is_most_recent": reply is latest,
                    "rfi_created_by_id": _ref_id(rfi["created_by"]),
                    "rfi_manager_id": _ref_id(rfi["rfi_manager"]),
                    "rfi_private": rfi["private"],
                    "rfi_draft": rfi["status"] == "draft",
                    # A reply is written once, when it is given.
                    **_audit(reply["answer_date"], reply["answer_date"]),
                }
            )
    return rows


def _submittals(company: Company) -> list[Record]:
    rows = []
    for submittal in company.rows("submittals"):
        status = submittal["status"] or {}
        closed = status.get("status") == "closed"
        section = submittal["specification_section"] or {}
        court = submittal["ball_in_court"] or []
        rows.append(
            {
                "submittal_id": submittal["id"],
                "company_id": company.company_id,
                "project_id": submittal["_project_id"],
                "number": submittal["number"],
                "formatted_number": submittal["formatted_number"],
                "revision": submittal["revision"],
                "current_revision": submittal["current_revision"],
                "title": submittal["title"],
                "status": status.get("name"),
                "submittal_type": _ref_name(submittal["type"]),
                "private": submittal["private"],
                "specification_section_id": section.get("id"),
                "specification_section_number": section.get("number"),
                "responsible_contractor_id": _ref_id(submittal["responsible_contractor"]),
                "received_from_id": _ref_id(submittal["received_from"]),
                "submittal_manager_id": _ref_id(submittal["submittal_manager"]),
                "created_by_id": _ref_id(submittal["created_by"]),
                "ball_in_court_id_list": _id_list(court),
                "approvers_ids": _id_list(a["user"] for a in submittal["approvers"] if a["user"]),
                "distribution_id_list": _id_list(submittal["distribution_members"]),
                "due_date": _day(submittal["due_date"]),
                "submit_by_date": _day(submittal["submit_by"]),
                "issue_date": _day(submittal["issue_date"]),
                "received_date": _day(submittal["received_date"]),
                "distributed_at": _instant(submittal["distributed_at"]),
                # Closing a submittal distributes it: the last distribution closes it.
                "closed_at": _instant(submittal["distributed_at"]) if closed else None,
                **_audit(submittal["created_at"], submittal["updated_at"]),
            }
        )
    return rows


# -- the share tables -------------------------------------------------------------------------


def _table(
    name: str,
    domain: str,
    level: str,
    rows: Callable[[Company], list[Record]],
    description: str,
    *columns: Column,
    key_type: pa.DataType = BIGINT,
    partition_by: tuple[str, ...] = (),
) -> TableSpec:
    """A table keyed by its singular name plus ``_id``, with keys first and audit last."""
    key = f"{singular(name)}_id"
    return TableSpec(
        name=name,
        domain=domain,
        key=key,
        level=level,
        columns=(*_keys(key, level, key_type), *columns, *_AUDIT),
        rows=rows,
        description=description,
        partition_by=partition_by,
    )


_LINE_REFS = _ids("wbs_code_id", "cost_code_id", "line_item_type_id")
_CONTRACT_DATE_COLUMNS = _typed(DATE, *_CONTRACT_DATES)
_CO_LINE_COLUMNS = (
    *_ids("change_event_line_item_id"),
    *_LINE_REFS,
    Column("description", STRING),
    Column("quantity", DOUBLE),
    Column("uom", STRING),
    *_money("unit_cost", "extended_amount"),
)

SHARE_TABLES: tuple[TableSpec, ...] = (
    # -- core ------------------------------------------------------------------------------
    _table(
        "companies", "core", "company", _companies, "The companies the token can see.",
        Column("name", STRING), Column("is_active", BOOLEAN),
    ),
    _table(
        "projects", "core", "company", _projects, "Every project of the companies.",
        *_strings("name", "display_name", "project_number", "address", "city", "state_code",
                  "zip", "country_code", "time_zone", "stage"),
        Column("is_active", BOOLEAN),
        *_typed(DATE, "start_date", "completion_date", "projected_finish_date"),
        *_money("total_value"),
        *_strings("sector", "work_scope", "delivery_method", "store_number",
                  "external_origin_id"),
    ),
    _table(
        "project_users", "core", "project", _project_users,
        "The users of each project's directory; the key is '<project_id>_<user_id>'.",
        *_ids("user_id"),
        *_strings("name", "email_address", "job_title"),
        *_typed(BOOLEAN, "is_active", "is_employee"),
        *_ids("vendor_id"),
        Column("permission_template_name", STRING),
        key_type=STRING,
    ),
    _table(
        "users", "core", "company", _users, "The company directory's users.",
        *_strings("name", "first_name", "last_name", "login", "email_address", "job_title"),
        *_typed(BOOLEAN, "is_active", "is_employee"),
        Column("employee_id", STRING),
        *_ids("vendor_id"),
        *_strings("vendor_name", "company_name", "origin_id"),
    ),
    _table(
        "vendors", "core", "company", _vendors, "The company directory's vendors.",
        *_ids("parent_vendor_id"),
        *_strings("name", "abbreviated_name", "legal_name", "trade_name", "address", "city",
                  "state_code", "zip", "country_code", "business_phone", "email_address",
                  "license_number"),
        *_typed(BOOLEAN, "is_active", "authorized_bidder", "prequalified", "union_member"),
        *_strings("trades", "external_origin_id"),
    ),
    # -- financials: budget ----------------------------------------------------------------
    _table(
        "cost_codes", "financials", "project", _cost_codes,
        "Each project's cost code tree (divisions are the roots).",
        *_ids("parent_id"),
        *_strings("code", "full_code", "name", "sortable_code"),
        Column("position", BIGINT), Column("budgeted", BOOLEAN),
    ),
    _table(
        "wbs_codes", "financials", "project", _wbs_codes,
        "Work breakdown structure codes: cost code x cost type.",
        *_ids("cost_code_id", "line_item_type_id"),
        *_strings("flat_code", "flat_name", "description", "wbs_code_status"),
    ),
    _table(
        "budget_codes", "financials", "project", _budget_codes,
        "Budget codes with their segment attributes.",
        *_LINE_REFS,
        *_strings("budget_code", "description", "attribute_1_name", "attribute_1_line_item",
                  "attribute_2_name", "attribute_2_line_item", "attribute_3_name",
                  "attribute_3_line_item"),
    ),
    _table(
        "budget_line_items", "financials", "project", _budget_line_items,
        "Budget lines with their original budget.",
        *_LINE_REFS,
        *_money("original_budget_amount"),
    ),
    _table(
        "budget_view_standard_columns", "financials", "project", _budget_view_standard_columns,
        "The Standard Budget view's figures, one row per budget line.",
        *_ids("budget_view_id", "budget_line_item_id"),
        *_LINE_REFS,
        *_money(*(name for name, _ in _STANDARD_FIGURES)),
    ),
    _table(
        "budget_modifications", "financials", "project", _budget_modifications,
        "Budget modifications: transfers into (positive) or out of budget lines.",
        *_ids("budget_line_item_id"),
        *_LINE_REFS,
        *_money("transfer_amount"),
    ),
    # -- financials: commitments -------------------------------------------------------------
    _table(
        "commitments", "financials", "project", _commitments,
        "Subcontracts and purchase orders with their change order and invoice totals.",
        *_ids("vendor_id"),
        *_strings("vendor_name", "commitment_type", "number", "title", "description", "status"),
        *_typed(BOOLEAN, "executed", "private"),
        Column("accounting_method", STRING),
        *_CONTRACT_DATE_COLUMNS, Column("delivery_date", DATE),
        *_money("grand_total"),
        *_money("approved_change_orders", "pending_change_orders", "draft_change_orders",
                "revised_contract_amount", "pending_revised_contract_amount", "invoiced",
                own=True),
        *_money("total_payments"),
        *_money("remaining_balance", own=True),
    ),
    _table(
        "commitment_line_items", "financials", "project", _commitment_line_items,
        "Schedule of values lines of commitments, with amounts by contract status.",
        *_ids("commitment_id", "vendor_id"),
        *_LINE_REFS,
        Column("description", STRING), Column("position", BIGINT),
        Column("quantity", DOUBLE), Column("uom", STRING),
        *_money("unit_cost", "extended_amount", "total_amount"),
        *_money(*_CONTRACT_BUCKETS.values(), own=True),
    ),
    _table(
        "commitment_potential_change_orders", "financials", "project",
        _commitment_potential_change_orders, "Potential change orders of commitments.",
        *_ids("commitment_id", "commitment_change_order_id", "change_event_id"),
        *_PCO_COLUMNS,
    ),
    _table(
        "commitment_change_order_requests", "financials", "project",
        _commitment_change_order_requests, "Change order requests of commitments.",
        *_ids("commitment_id", "commitment_change_order_id"),
        *_COR_COLUMNS,
    ),
    _table(
        "commitment_change_orders", "financials", "project",
        lambda company: _change_orders(
            company, "commitment_change_orders", "commitment_change_order_id", "commitment_id"
        ),
        "Commitment change orders.",
        *_ids("commitment_id"),
        *_ORDER_COLUMNS,
    ),
    _table(
        "commitment_change_order_line_items", "financials", "project",
        _commitment_change_order_line_items,
        "Commitment change order lines, one per PCO line, with amounts by PCO status.",
        *_ids("commitment_id", "commitment_change_order_id",
              "commitment_potential_change_order_id", "commitment_change_order_request_id",
              "vendor_id"),
        *_CO_LINE_COLUMNS,
        *_money("total_amount", "amount_including_markup", "change_order_committed_amount"),
        *_bucket_columns(_COMMITMENT_BUCKETS, markup=True),
    ),
    # -- financials: prime contracts ---------------------------------------------------------
    _table(
        "prime_contracts", "financials", "project", _prime_contracts, "Prime (owner) contracts.",
        *_ids("vendor_id"),
        *_strings("vendor_name", "number", "title", "description", "status"),
        *_typed(BOOLEAN, "executed", "private"),
        Column("accounting_method", STRING),
        *_CONTRACT_DATE_COLUMNS,
        *_money("grand_total"),
        *_money("approved_change_orders", "revised_contract_amount", own=True),
    ),
    _table(
        "prime_contract_line_items", "financials", "project", _prime_contract_line_items,
        "Schedule of values lines of prime contracts.",
        *_ids("prime_contract_id", "vendor_id"),
        *_LINE_REFS,
        Column("description", STRING), Column("position", BIGINT),
        Column("quantity", DOUBLE), Column("uom", STRING), Column("contract_status", STRING),
        *_money("unit_cost", "amount"),
    ),
    _table(
        "prime_contract_potential_change_orders", "financials", "project",
        _prime_contract_potential_change_orders, "Potential change orders of prime contracts.",
        *_ids("prime_contract_id", "prime_contract_change_order_request_id",
              "prime_contract_change_order_id", "change_event_id"),
        *_PCO_COLUMNS,
        Column("schedule_impact_days", BIGINT),
    ),
    _table(
        "prime_contract_change_order_requests", "financials", "project",
        _prime_contract_change_order_requests,
        "Change order requests of prime contracts (three-tier projects).",
        *_ids("prime_contract_id", "prime_contract_change_order_id"),
        *_COR_COLUMNS,
    ),
    _table(
        "prime_contract_change_orders", "financials", "project",
        lambda company: _change_orders(
            company, "prime_change_orders", "prime_contract_change_order_id", "prime_contract_id"
        ),
        "Prime contract change orders.",
        *_ids("prime_contract_id"),
        *_ORDER_COLUMNS,
    ),
    _table(
        "prime_contract_change_order_line_items", "financials", "project",
        _prime_contract_change_order_line_items,
        "Prime change order lines, one per PCO line, with amounts by PCO status.",
        *_ids("prime_contract_id", "prime_contract_change_order_id",
              "prime_contract_potential_change_order_id",
              "prime_contract_change_order_request_id"),
        Column("name", STRING),
        *_CO_LINE_COLUMNS,
        *_bucket_columns(_PRIME_BUCKETS, markup=False),
    ),
    # -- financials: change events -------------------------------------------------------------
    _table(
        "change_events", "financials", "project", _change_events, "Change events.",
        Column("number", BIGINT),
        *_strings("alphanumeric_number", "title", "description", "status",
                  "change_event_status", "event_type", "event_scope", "change_reason"),
        *_ids("rfi_id", "created_by_id"),
        Column("external_origin_id", STRING),
    ),
    _table(
        "change_event_line_items", "financials", "project", _change_event_line_items,
        "Change event lines with their cost and revenue ROM.",
        *_ids("change_event_id"),
        *_LINE_REFS,
        *_ids("commitment_id", "vendor_id"),
        Column("description", STRING), Column("quantity", DOUBLE), Column("uom", STRING),
        *_money("cost_rom", "cost_rom_unit_cost", "revenue_rom_unit_cost", "revenue_rom"),
    ),
    _table(
        "change_event_line_item_with_markups", "financials", "project",
        _change_event_line_item_with_markups,
        "Change event lines with their event, contract and non-committed cost.",
        *_ids("change_event_line_item_id", "change_event_id", "change_event_events_id"),
        *_strings("change_event_title", "change_event_status", "event_scope"),
        *_ids("wbs_code_id", "contract_id"),
        *_strings("contract_number", "contract_title", "vendor_name"),
        *_ids("proposed_vendor_id", "proposed_contract_id", "biller_id"),
        *_strings("biller_name", "biller_model_name"),
        *_money("estimated_cost_amount", "non_committed_cost", own=True),
        *_money("cost_rom", "cost_rom_unit_cost", "revenue_rom_unit_cost"),
    ),
    # -- financials: costs and invoices --------------------------------------------------------
    _table(
        "direct_costs", "financials", "project", _direct_costs,
        "Direct costs: invoices, expenses, payroll.",
        *_ids("vendor_id"),
        *_strings("vendor_name", "direct_cost_type", "status", "invoice_number", "description",
                  "terms"),
        *_typed(DATE, "direct_cost_date", "received_date", "payment_date"),
        *_money("amount_total", "amount_grand_total"),
    ),
    _table(
        "direct_cost_line_items", "financials", "project", _direct_cost_line_items,
        "Lines of direct costs; partitioned by project.",
        *_ids("direct_cost_id", "vendor_id"),
        *_LINE_REFS,
        Column("description", STRING), Column("quantity", DOUBLE), Column("uom", STRING),
        *_money("unit_cost", "extended_amount", "amount_total"),
        partition_by=("project_id",),
    ),
    _table(
        "subcontractor_invoices", "financials", "project", _subcontractor_invoices,
        "Subcontractor invoices (requisitions) against commitments.",
        *_ids("commitment_id", "vendor_id"),
        Column("vendor_name", STRING), Column("number", BIGINT),
        *_strings("invoice_number", "status"),
        Column("final", BOOLEAN),
        *_typed(DATE, "billing_date", "period_start_date", "period_end_date", "payment_date"),
        Column("submitted_at", UTC_TIMESTAMP),
        *_money("total_contract_amount", own=True),
        *_money(*(column for column, _ in _INVOICE_FIGURES)),
    ),
    # -- project management ------------------------------------------------------------------
    _table(
        "rfis", "project_management", "project", _rfis, "Requests for information.",
        *_strings("number", "full_number", "subject", "status"),
        Column("private", BOOLEAN),
        Column("due_date", DATE),
        *_typed(UTC_TIMESTAMP, "initiated_at", "closed_at"),
        Column("assignee_id", BIGINT), Column("assignee_id_list", STRING),
        *_ids("rfi_manager_id", "received_from_id", "created_by_id",
              "responsible_contractor_id", "cost_code_id", "location_id"),
        *_strings("location_name", "cost_impact_status"),
        *_money("cost_impact_amount"),
        Column("schedule_impact_status", STRING), Column("schedule_impact_days", BIGINT),
    ),
    _table(
        "rfis_bic", "project_management", "project", _rfis_bic,
        "Who holds each RFI (ball in court); the key is '<rfi_id>_<user_id>'.",
        *_ids("rfi_id", "user_id"),
        *_strings("user_name", "ball_in_court_role"),
        Column("response_required", BOOLEAN),
        key_type=STRING,
    ),
    _table(
        "rfi_responses", "project_management", "project", _rfi_responses, "Responses to RFIs.",
        *_ids("rfi_id", "created_by_id"),
        Column("body", STRING),
        *_typed(BOOLEAN, "official", "is_most_recent"),
        *_ids("rfi_created_by_id", "rfi_manager_id"),
        *_typed(BOOLEAN, "rfi_private", "rfi_draft"),
    ),
    _table(
        "submittals", "project_management", "project", _submittals, "Submittals.",
        *_strings("number", "formatted_number", "revision"),
        Column("current_revision", BOOLEAN),
        *_strings("title", "status", "submittal_type"),
        Column("private", BOOLEAN),
        Column("specification_section_id", BIGINT),
        Column("specification_section_number", STRING),
        *_ids("responsible_contractor_id", "received_from_id", "submittal_manager_id",
              "created_by_id"),
        *_strings("ball_in_court_id_list", "approvers_ids", "distribution_id_list"),
        *_typed(DATE, "due_date", "submit_by_date", "issue_date", "received_date"),
        *_typed(UTC_TIMESTAMP, "distributed_at", "closed_at"),
    ),
)  # fmt: skip
