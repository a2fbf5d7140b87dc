"""How a list read ends: its rows shaped, its cursor moved, its deletions found, or skipped.

``finish_list`` takes the pages of one list as they come, shapes the records (or puts the
loader columns on pages read into Arrow), follows the newest cursor value, and at the end
moves the cursor, or, after a whole read, writes tombstones for the rows the raw table holds
and the API no longer lists. A list the account may not read is skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .catalog import COMPANY_COLUMN, DELETED_COLUMN, ListSpec, snake_case
from .client import Page
from .errors import ProcoreAPIError, ProcoreRateLimitExhausted, ProcoreSourceError
from .planning import Plan, Unit, sync_state
from .run import Row, Run, procore_time

# The lists every other list hangs on: without them nothing can be loaded, so a 403 there is
# a configuration error, not a tool to skip.
RUN_STOPPING_LISTS = frozenset({"companies", "projects"})


def skippable(error: ProcoreSourceError, endpoint: ListSpec, unit: Unit) -> bool:
    """Whether a failed list is skipped (with a warning) rather than ending the run.

    A tool the service account may not read answers 403, in one project or for the
    whole company (its permission template grants the tool no access); a record the account
    can no longer see answers 404 in a project. Neither may stop the rest of the load. A
    company the credentials cannot see (404 on a company list), the companies and projects
    lists themselves, and a 401 end the run.
    """
    if not isinstance(error, ProcoreAPIError):
        return False
    if unit.project_id is not None:
        return error.status in (403, 404)
    return error.status == 403 and endpoint.name not in RUN_STOPPING_LISTS


def finish_list(endpoint: ListSpec, plan: Plan, pages: Iterator[Page], run: Run) -> Iterator[Page]:
    """Shape and yield one list's rows, then move its cursor or delete what is gone."""
    cursors, reconciled = sync_state(endpoint, run)
    unit = plan.unit
    # A whole read finds the rows the API no longer lists among those the raw table holds
    # in this scope; where it holds none (a first load) keys are collected only to find a
    # record listed twice, which an appended table must not take.
    known = run.existing.in_scope(endpoint, unit.scope_value(endpoint)) if plan.whole else set()
    appending = _appending(endpoint, unit, run)
    collect_keys = bool(known) or endpoint.name == "companies" or appending
    seen: set[tuple[Any, ...]] = set()
    listed = 0  # rows whose keys are in `seen`
    previous = newest = cursors.get(plan.state_key)
    cursor_field = endpoint.date_field or "updated_at"
    # Rows the overlap window reads again although they did not change since the last run:
    # their own re-read is harmless, but their children need not be read again.
    unchanged = run.unchanged.setdefault(endpoint.name, set())
    lineage = unit.lineage()
    read = 0  # rows not yet reported to the progress: one report per list, or per 1,000 rows
    try:
        for page in pages:
            if isinstance(page, pa.Table):
                rows: pa.Table = _with_lineage(page, lineage)
                top, again = _table_cursor(rows, cursor_field, previous, plan.whole)
                if collect_keys:
                    columns = [rows.column(name).to_pylist() for name in endpoint.primary_key]
                    seen.update(zip(*columns, strict=True))
                    listed += rows.num_rows
            else:
                rows = [_shape(endpoint, record, lineage) for record in page]
                if endpoint.name in FILTERED:
                    rows = [row for row in rows if _wanted(endpoint, row, run)]
                top, again = _rows_cursor(rows, cursor_field, previous, plan.whole)
                if collect_keys:
                    key = endpoint.primary_key
                    seen.update(tuple(row.get(column) for column in key) for row in rows)
                    listed += len(rows)
            if appending and len(seen) < listed:
                # A record listed twice: before its rows go on, so the switch reaches dlt.
                run.appending.pop(endpoint.name, None)
                appending = False
            if top is not None and (newest is None or top > newest):
                newest = top
            unchanged.update(again)
            read += len(rows)
            if read >= 1_000:
                run.progress.add(endpoint.name, read)
                read = 0
            if len(rows):
                yield rows
    except ProcoreRateLimitExhausted as error:
        # Rows already yielded are loaded (the merge makes reading them again harmless); the
        # cursor does not move and nothing is deleted, so the next run reads this list again.
        run.stats.stopped_early = run.stats.stopped_early or str(error)
        return
    except ProcoreAPIError as error:
        if not skippable(error, endpoint, unit):
            raise
        # Skip it, say so, keep its cursor.
        run.stats.skipped.append(
            (unit.company_id, unit.project_id or 0, endpoint.name, error.status, str(error))
        )
        return
    run.progress.add(endpoint.name, read, lists=1)
    if plan.whole:
        yield from tombstones(endpoint, unit, seen, known, run)
        if endpoint.sync != "full":
            reconciled[plan.state_key] = procore_time(run.now)
    if endpoint.sync != "full":
        cursors[plan.state_key] = newest or cursors.get(plan.state_key) or ""


def _appending(endpoint: ListSpec, unit: Unit, run: Run) -> bool:
    """Whether a list's rows may be appended: its entry is, and the list was not read yet.

    Keys hold the scope, so lists of different scopes never share one; a list read twice
    (its parent was listed twice) sends the entry back to merge.
    """
    scopes = run.appending.get(endpoint.name)
    if scopes is None:
        return False
    scope = unit.scope_value(endpoint)
    if scope in scopes:
        del run.appending[endpoint.name]
        return False
    scopes.add(scope)
    return True


def _rows_cursor(
    rows: list[Row], field_name: str, previous: str | None, whole: bool
) -> tuple[str | None, list[Any]]:
    """The newest cursor value of a page's rows, and the ids of those not newer than one.

    Those are the rows an incremental read's overlap read again: not newer than
    ``previous``, the cursor the read started from.
    """
    values = [value for row in rows if isinstance(value := row.get(field_name), str)]
    if not values:
        return None, []
    again = []
    if not whole and previous:
        again = [
            row.get("id")
            for row in rows
            if isinstance(value := row.get(field_name), str) and value <= previous
        ]
    return max(values), again


def _table_cursor(
    table: pa.Table, field_name: str, previous: str | None, whole: bool
) -> tuple[str | None, list[Any]]:
    """``_rows_cursor`` of a page read into Arrow (where the cursor field is text)."""
    if field_name not in table.column_names:
        return None, []
    values = table.column(field_name)
    if not pa.types.is_string(values.type):
        return None, []  # not text in the API's answer either: never a cursor
    top = pc.max(values).as_py()
    again = []
    if top is not None and not whole and previous and "id" in table.column_names:
        again = table.column("id").filter(pc.less_equal(values, previous)).to_pylist()
    return top, again


def _with_lineage(table: pa.Table, lineage: Row) -> pa.Table:
    """A page read into Arrow with the loader columns every row of its list carries."""
    for name, value in lineage.items():
        column = pa.repeat(value, table.num_rows)
        if name in table.column_names:  # as ``_shape`` does, the loader's value wins
            table = table.set_column(table.column_names.index(name), name, column)
        else:
            table = table.append_column(name, column)
    return table


def _shape(endpoint: ListSpec, record: Row, lineage: Row) -> Row:
    """One record as a raw row: display-name keys renamed, the loader columns added."""
    if endpoint.renames:
        record = {
            endpoint.renames.get(name, name if name.islower() else snake_case(name)): value
            for name, value in record.items()
        }
    record.update(lineage)
    return record


# The entries whose lists hold records outside the load (other companies, other projects).
FILTERED = frozenset({"companies", "projects"})


def _wanted(endpoint: ListSpec, row: Row, run: Run) -> bool:
    """Whether a listed record belongs in the load (the configured companies and projects)."""
    if endpoint.name == "companies":
        return bool(row.get("id") == row[COMPANY_COLUMN])
    if endpoint.name == "projects" and run.project_ids is not None:
        return row.get("id") in run.project_ids
    return True


def tombstones(
    endpoint: ListSpec,
    unit: Unit,
    seen: set[tuple[Any, ...]],
    known: set[tuple[Any, ...]],
    run: Run,
) -> Iterator[list[Row]]:
    """Hard-delete the rows of one list (``known`` in the raw table) that a whole read missed."""
    if endpoint.name == "companies":
        if not seen:
            raise ProcoreAPIError(
                f"Company {unit.company_id} is not among the companies these credentials can "
                "see: check sources.procore.company_ids.",
                404,
            )
        return
    gone = known - seen
    if gone:
        lineage = unit.lineage()
        yield [
            {**lineage, **dict(zip(endpoint.primary_key, key, strict=True)), DELETED_COLUMN: True}
            for key in sorted(gone, key=str)
        ]
