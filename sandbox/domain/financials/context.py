"""What every financials tool shares: sizes, money and time helpers, a project's context.

Money is handled in integer cents while generating and as ``Decimal`` in the budget
arithmetic; it is served as JSON strings. Instants are handled as integer epoch seconds
because record generation at the ``large`` scale must stay cheap. ``_Project`` is what
generating or advancing one project's financials needs at hand, ``_line`` the line item
shape that prime contracts, commitments, PCOs and direct costs share.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from ..common import Company, Record, parse_timestamp


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
