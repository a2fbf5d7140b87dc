"""Turning REST record values into share values: money triplets, dates, timestamps, ids.

The share's rows are made from the REST records of the generated company; these helpers
convert one value at a time, the same way for every table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.domain.common import Company, Record

from .columns import money_names

# Amounts are decimal(38,5): five decimal places.
_SCALE = Decimal("0.00001")


def decimal_amount(value: Any) -> Decimal | None:
    """A REST amount (a decimal string, or a JSON number) as an exact 5-place ``Decimal``."""
    if value is None:
        return None
    # repr() of a float is its shortest round-tripping text, so 19433.1 stays 19433.1.
    text = repr(value) if isinstance(value, float) else str(value)
    return Decimal(text).quantize(_SCALE)


def amounts(name: str, value: Any, own: bool = False) -> Record:
    """The values of one amount's currency columns (one currency: all equal)."""
    amount = decimal_amount(value)
    return dict.fromkeys(money_names(name, own), amount)


def instant(value: str | None) -> datetime | None:
    """A Procore ``...Z`` timestamp as an aware UTC datetime."""
    return None if value is None else datetime.fromisoformat(value)


def day(value: str | None) -> date | None:
    """A Procore ``YYYY-MM-DD`` date."""
    return None if value is None else date.fromisoformat(value)


def audit(created: str | None, updated: str | None) -> Record:
    """The audit columns: the audited change is the record's last update."""
    return {
        "created_at": instant(created),
        "updated_at": instant(updated),
        "audit_transaction_timestamp": instant(updated or created),
    }


def ref_id(ref: Record | None) -> int | None:
    """The id of a nested reference (``{"id": ..., "name": ...}``), if any."""
    return None if ref is None else ref.get("id")


def ref_name(ref: Record | None) -> str | None:
    """The name of a nested reference, if any."""
    return None if ref is None else ref.get("name")


def id_list(refs: Iterable[Record]) -> str | None:
    """A list of ids as Procore's ``*id_list`` columns: ids joined by commas.

    Procore does not publish the type; a string survives every reader.
    """
    ids = [str(ref["id"]) for ref in refs]
    return ",".join(ids) if ids else None


def live(records: Iterable[Record]) -> Iterator[Record]:
    """The records not soft-deleted (``deleted_at`` unset)."""
    return (record for record in records if record.get("deleted_at") is None)


def live_ids(company: Company, *resources: str) -> set[int]:
    """The ids of the live records of ``resources``."""
    return {record["id"] for resource in resources for record in live(company.rows(resource))}


def line_refs(line: Record) -> Record:
    """The budget code references every contract line carries."""
    return {
        "wbs_code_id": ref_id(line["wbs_code"]),
        "cost_code_id": ref_id(line["cost_code"]),
        "line_item_type_id": ref_id(line["line_item_type"]),
    }


def dates(record: Record, *names: str) -> Record:
    """The date fields ``names`` of a record, as dates."""
    return {name: day(record.get(name)) for name in names}
