"""Reading lists: one at a time, or many through a bounded pool of page fetches.

The lists under a batch of parent records, the pages of one list (grouped meetings come out
flat), and the pool that fetches child lists ``page_workers`` at a time and hands them on, in
order, to ``finishing.finish_list`` on the resource's thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from .catalog import DELETED_COLUMN, ListSpec
from .client import Page, ProcoreClient
from .errors import ProcoreSourceError
from .finishing import finish_list, skippable, tombstones
from .planning import Plan, Unit, plan_list, unit_under
from .pool import in_order
from .run import Row, Run

# Child lists fetched by one task of the page pool (see ``_read_units``).
LISTS_PER_TASK = 16


def read_children(endpoint: ListSpec, parents: list[Row], run: Run) -> Iterator[Page]:
    """The lists of ``endpoint`` under a batch of parent rows, and tombstones of gone ones."""
    units = []
    unchanged = run.unchanged.get(endpoint.parent or "", set())
    for parent in parents:
        unit = unit_under(endpoint, parent)
        if parent.get(DELETED_COLUMN):
            # The parent is gone, so are its lists.
            known = run.existing.in_scope(endpoint, unit.scope_value(endpoint))
            yield from tombstones(endpoint, unit, set(), known, run)
        elif endpoint.scope != "parent" or parent.get("id") not in unchanged:
            units.append(unit)
    if not run.stopped:
        yield from _read_units(endpoint, units, run)


def read_unit(endpoint: ListSpec, unit: Unit, run: Run) -> Iterator[Page]:
    """Read one list, streaming its pages."""
    plan = plan_list(endpoint, unit, run)
    client = run.clients[unit.company_id]
    yield from finish_list(endpoint, plan, _pages(client, endpoint, plan, run), run)


def _read_units(endpoint: ListSpec, units: list[Unit], run: Run) -> Iterator[Page]:
    """Read many lists (one per project or parent record), ``page_workers`` at a time.

    Children are mostly one short page each (the replies of one RFI), so reading them one
    after the other would leave the connection idle most of the time. The lists are fetched
    in a bounded pool and handed on in order; state, cursors and deletions stay on this
    thread, and the shared rate-limit pace holds every worker back.
    """
    run.progress.plan(endpoint.name, len(units))
    workers = max(1, run.page_workers)
    if workers == 1 or len(units) <= 1:
        for unit in units:
            if run.stopped:
                return
            yield from read_unit(endpoint, unit, run)
        return
    plans = [plan_list(endpoint, unit, run) for unit in units]
    # A task of the pool costs this thread a future, a queue and a wake-up, as much as the
    # rest of a one-row list: child lists go in groups. Project lists can be
    # long, so they go one by one and the window of lists held in memory stays small.
    per_task = LISTS_PER_TASK if endpoint.scope == "parent" else 1
    groups = iter([plans[first : first + per_task] for first in range(0, len(plans), per_task)])

    def fetch(group: list[Plan]) -> list[tuple[Plan, list[Page], ProcoreSourceError | None]]:
        fetched: list[tuple[Plan, list[Page], ProcoreSourceError | None]] = []
        for plan in group:
            # The pages read before a failure are kept: under the "stop" policy they are
            # loaded. A list skipped for a 403 or 404 does not hold back the rest of the
            # group; any other failure ends the group here, and is raised again on the
            # reading thread when its list is finished (``_replay``).
            pages: list[Page] = []
            client = run.clients[plan.unit.company_id]
            try:
                pages.extend(_pages(client, endpoint, plan, run))
            except ProcoreSourceError as error:
                fetched.append((plan, pages, error))
                if not skippable(error, endpoint, plan.unit):
                    break
                continue
            fetched.append((plan, pages, None))
        return fetched

    with closing(in_order(fetch, groups, workers)) as groups_read:
        for group in groups_read:
            for plan, pages, error in group:
                yield from finish_list(endpoint, plan, _replay(pages, error), run)
                if run.stopped:
                    return


def _replay(pages: list[Page], error: ProcoreSourceError | None) -> Iterator[Page]:
    """The pages a worker read, then the error that ended the list, if any."""
    yield from pages
    if error is not None:
        raise error


def _pages(client: ProcoreClient, endpoint: ListSpec, plan: Plan, run: Run) -> Iterator[Page]:
    """The records of one list, a page at a time; grouped meetings come out flat.

    Long pages of the entries with a ``PageReader`` may come as Arrow tables.
    """
    pages: Iterator[Page]
    if endpoint.paginated:
        reader = run.readers.get(endpoint.name)
        read = reader.read if reader is not None else None
        pages = client.paginate(plan.path, plan.params, per_page=run.per_page, read=read)
    else:
        body, _ = client.get_json_and_answer(plan.path, plan.params)
        pages = iter([body if isinstance(body, list) else []])
    for page in pages:
        if endpoint.envelope == "grouped":
            page = [
                {**meeting, "group_title": group.get("group_title")}
                for group in page
                for meeting in group.get("meetings") or []
            ]
        yield page
