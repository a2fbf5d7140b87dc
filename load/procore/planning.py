"""How each list is read this run: its units, its cursor, whole or incremental, its query.

A ``Unit`` is one list (an entry in one company, project or parent record); its ``Plan`` says,
from the cursors and reconciliation times in the dlt resource state, whether it is read whole
or from its cursor, and with which path and sync filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import dlt

from .catalog import COMPANY_COLUMN, PARENT_COLUMN, PROJECT_COLUMN, ListSpec
from .errors import ProcoreSourceError
from .run import Row, Run, parse_procore_time, procore_time
from .settings import CURSOR_OVERLAP


def start_of(start_date: str) -> datetime:
    """The start of ``start_date`` (``YYYY-MM-DD``), in UTC: the earliest moment loaded."""
    try:
        return datetime.fromisoformat(start_date).replace(tzinfo=UTC)
    except ValueError:
        raise ProcoreSourceError(
            f"sources.procore.start_date {start_date!r} is not a date: use YYYY-MM-DD."
        ) from None


@dataclass(frozen=True)
class Unit:
    """One list to read: an entry in one company, project or parent record."""

    company_id: int
    project_id: int | None = None
    parent_id: int | str | None = None

    @property
    def state_key(self) -> str:
        """The key of this list's cursor in the resource state."""
        parts = [self.company_id, self.project_id, self.parent_id]
        return ":".join("-" if part is None else str(part) for part in parts)

    def lineage(self) -> Row:
        """The loader columns every row of this list carries."""
        row: Row = {COMPANY_COLUMN: self.company_id}
        if self.project_id is not None:
            row[PROJECT_COLUMN] = self.project_id
        if self.parent_id is not None:
            row[PARENT_COLUMN] = self.parent_id
        return row

    def scope_value(self, endpoint: ListSpec) -> int | str:
        """The value of the entry's scope column on this list's rows."""
        return {
            "company": self.company_id,
            "project": self.project_id,
            "parent": self.parent_id,
        }[endpoint.scope]  # type: ignore[return-value]


def unit_under(endpoint: ListSpec, parent: Row) -> Unit:
    """The list of ``endpoint`` that belongs to one row of its parent resource."""
    company_id = int(parent[COMPANY_COLUMN])
    if endpoint.scope == "company":
        return Unit(company_id)
    if endpoint.scope == "project":
        return Unit(company_id, int(parent["id"]))
    project_id = parent.get(PROJECT_COLUMN)
    return Unit(company_id, None if project_id is None else int(project_id), parent["id"])


@dataclass(frozen=True)
class Plan:
    """How one list is read this run: whole or incrementally, from which path and query."""

    unit: Unit
    state_key: str
    whole: bool
    path: str
    params: dict[str, str]


def sync_state(endpoint: ListSpec, run: Run) -> tuple[dict[str, str], dict[str, str]]:
    """The resource's cursors and last reconciliations, by ``Unit.state_key``.

    Looked up in dlt's context once per resource and run (it is the same dict all run long):
    a lookup costs about 20 µs, and a `large` load plans and finishes 130,000 lists.
    """
    if endpoint.name not in run.sync_states:
        state = dlt.current.resource_state()
        run.sync_states[endpoint.name] = (
            state.setdefault("cursors", {}),
            state.setdefault("reconciled_at", {}),
        )
    return run.sync_states[endpoint.name]


def plan_list(endpoint: ListSpec, unit: Unit, run: Run) -> Plan:
    """Decide, from the resource state, whether a list is read whole or from its cursor."""
    cursors, reconciled = sync_state(endpoint, run)
    key = unit.state_key
    whole = endpoint.sync == "full" or key not in cursors
    if not whole:
        last = reconciled.get(key)
        whole = last is None or run.now - parse_procore_time(last) >= run.reconcile_every
    params = {name: _fill(value, unit) for name, value in endpoint.params.items()}
    params.update(_sync_params(endpoint, run, cursors.get(key), whole))
    return Plan(unit, key, whole, _fill(endpoint.path, unit), params)


def _sync_params(endpoint: ListSpec, run: Run, cursor: str | None, whole: bool) -> dict[str, str]:
    """The filters that make a read incremental (or whole, from ``start_date``)."""
    params: dict[str, str] = {}
    if endpoint.name == "projects":
        params["filters[by_status]"] = run.status_filter
    if endpoint.include_deleted:
        # Soft-deleted records come back with `deleted_at` set
        # (docs/procore-api.md#deleted-records).
        params["filters[include_deleted]"] = "with"
    if endpoint.sync == "incremental":
        since = run.start
        if not whole and cursor:
            # Procore does not say whether range ends are inclusive: re-read a short overlap
            # (docs/procore-api.md#date-ranges).
            since = max(run.start, parse_procore_time(cursor) - CURSOR_OVERLAP)
        params["filters[updated_at]"] = f"{procore_time(since)}...{run.window_end}"
    elif endpoint.sync == "date_window":
        first = run.start.date()
        if not whole and cursor:
            first = max(first, date.fromisoformat(cursor[:10]) - run.lookback)
        # Daily logs answer for today only without dates; tomorrow covers clock skew
        # (docs/procore-api.md#daily-logs-by-date).
        params["start_date"] = first.isoformat()
        params["end_date"] = (run.now + timedelta(days=1)).date().isoformat()
    return params


def _fill(template: str, unit: Unit) -> str:
    return template.format(
        company_id=unit.company_id, project_id=unit.project_id, parent_id=unit.parent_id
    )
