"""The change event tables: events and their lines, with cost and revenue ROM."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sandbox.domain.common import Company, Record

from .columns import (
    BIGINT,
    DOUBLE,
    LINE_REFS,
    STRING,
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
    ref_name,
)


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
            "change_event_status": ref_name(event["change_event_status"]),
            "event_type": event["event_type"],
            "event_scope": event["event_scope"],
            "change_reason": (event["change_order_change_reason"] or {}).get("change_reason"),
            "rfi_id": ref_id(event["rfi"]),
            "created_by_id": ref_id(event["created_by"]),
            "external_origin_id": event["origin_id"],
            **audit(event["created_at"], event["updated_at"]),
        }
        for event in live(company.rows("change_events"))
    ]


def _event_lines(company: Company) -> Iterator[tuple[Record, Record]]:
    """(line, change event) of every live change event; lines carry its timestamps."""
    for event in live(company.rows("change_events")):
        for line in event["change_event_line_items"] or ():
            yield line, event


def _rom(line: Record) -> Record:
    """A change event line's rough orders of magnitude: cost (estimate) and revenue."""
    return {
        **amounts("cost_rom", line["estimated_cost_amount"]),
        **amounts("cost_rom_unit_cost", line["estimated_cost_unit_cost"]),
        **amounts("revenue_rom_unit_cost", line["rom"]),
    }


def _change_event_line_items(company: Company) -> list[Record]:
    return [
        {
            "change_event_line_item_id": line["id"],
            "company_id": company.company_id,
            "project_id": event["_project_id"],
            "change_event_id": event["id"],
            "wbs_code_id": ref_id(line["budget_code"]),
            "cost_code_id": line["cost_code_id"],
            "line_item_type_id": line["line_item_type_id"],
            "commitment_id": ref_id(line["contract"]),
            "vendor_id": ref_id(line["vendor"]),
            "description": line["description"],
            "quantity": line["estimated_cost_quantity"],
            "uom": line["uom"],
            **_rom(line),
            # The revenue ROM is priced for a quantity of one: its total is its unit cost.
            **amounts("revenue_rom", line["rom"]),
            **audit(event["created_at"], event["updated_at"]),
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
                "change_event_status": ref_name(event["change_event_status"]),
                "event_scope": event["event_scope"],
                "wbs_code_id": ref_id(line["budget_code"]),
                "contract_id": contract.get("id"),
                "contract_number": contract.get("number"),
                "contract_title": contract.get("title"),
                "vendor_name": ref_name(line["vendor"]),
                "proposed_vendor_id": line["proposed_vendor_id"],
                "proposed_contract_id": line["proposed_contract_id"],
                "biller_id": line["biller"]["id"],
                "biller_name": line["biller"]["name"],
                "biller_model_name": line["biller"]["model_name"],
                **amounts("estimated_cost_amount", estimated, own=True),
                # Not yet committed: the estimate less what commitment change orders price.
                **amounts("non_committed_cost", max(estimated - committed, Decimal(0)), True),
                **_rom(line),
                **audit(event["created_at"], event["updated_at"]),
            }
        )
    return rows


# The change event tables, in the order the share lists them.
CHANGE_EVENT_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "change_events", "financials", "project", _change_events, "Change events.",
        Column("number", BIGINT),
        *strings("alphanumeric_number", "title", "description", "status",
                  "change_event_status", "event_type", "event_scope", "change_reason"),
        *ids("rfi_id", "created_by_id"),
        Column("external_origin_id", STRING),
    ),
    share_table(
        "change_event_line_items", "financials", "project", _change_event_line_items,
        "Change event lines with their cost and revenue ROM.",
        *ids("change_event_id"),
        *LINE_REFS,
        *ids("commitment_id", "vendor_id"),
        Column("description", STRING), Column("quantity", DOUBLE), Column("uom", STRING),
        *money("cost_rom", "cost_rom_unit_cost", "revenue_rom_unit_cost", "revenue_rom"),
    ),
    share_table(
        "change_event_line_item_with_markups", "financials", "project",
        _change_event_line_item_with_markups,
        "Change event lines with their event, contract and non-committed cost.",
        *ids("change_event_line_item_id", "change_event_id", "change_event_events_id"),
        *strings("change_event_title", "change_event_status", "event_scope"),
        *ids("wbs_code_id", "contract_id"),
        *strings("contract_number", "contract_title", "vendor_name"),
        *ids("proposed_vendor_id", "proposed_contract_id", "biller_id"),
        *strings("biller_name", "biller_model_name"),
        *money("estimated_cost_amount", "non_committed_cost", own=True),
        *money("cost_rom", "cost_rom_unit_cost", "revenue_rom_unit_cost"),
    ),
)  # fmt: skip
