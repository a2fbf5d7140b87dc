"""The Procore REST source: every list in ``catalog.CATALOG`` into a raw dlt dataset.

Configuration follows dlt: ``[sources.procore]`` in ``.dlt/config.toml`` and
``.dlt/secrets.toml``, or ``SOURCES__PROCORE__<KEY>`` environment variables.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.sources import DltResource

from .arrow import PageReader, TableShaper
from .catalog import (
    BY_NAME,
    CATALOG,
    COMPANY_COLUMN,
    DELETED_COLUMN,
    PROJECT_COLUMN,
    Endpoint,
    snake_case,
)
from .existing_keys import _TableKeys as _TableKeys  # read by the tests
from .existing_keys import known_columns
from .helpers import (
    Clock,
    Page,
    ProcoreAPIError,
    ProcoreClient,
    ProcoreRateLimitExhausted,
    ProcoreSourceError,
    RequestStats,
)
from .planning import Plan, Unit, plan_list, start_of, sync_state, unit_under
from .run import Progress, Row, Run, procore_time
from .settings import (
    DEFAULT_PER_PAGE,
    DEFAULT_START_DATE,
    ENVIRONMENTS,
    PROJECT_STATUS_FILTERS,
    RATE_LIMIT_POLICIES,
)

__all__ = [
    "CATALOG",
    "ProcoreSourceError",
    "RequestStats",
    "check_narrowing",
    "procore_source",
    "resolve_hosts",
]

# Rows gathered into one Arrow table: big enough that dlt's cost per item vanishes (a child
# list is often one row), small enough that a resource holds a few MB of them.
BATCH_ROWS = 5_000
# Child lists fetched by one task of the page pool (see ``_read_units``).
LISTS_PER_TASK = 16
# How raw tables are written: merged on their key, except on a table's first load (see
# ``_with_disposition``).
MERGE = {"disposition": "merge", "strategy": "delete-insert"}
APPEND = "append"


def resolve_hosts(
    environment: str, base_url: str | None = None, login_url: str | None = None
) -> tuple[str, str]:
    """The (login URL, API base URL) pair of an environment; explicit URLs win.

    Args:
        environment: ``production``, ``developer_sandbox``, ``monthly_sandbox`` or ``custom``.
        base_url: API host; required for ``custom``.
        login_url: OAuth host; defaults to ``base_url`` for ``custom``.
    """
    if environment in ENVIRONMENTS:
        default_login, default_base = ENVIRONMENTS[environment]
        return (login_url or default_login, base_url or default_base)
    if environment == "custom" and base_url:
        return (login_url or base_url, base_url)
    choices = ", ".join([*ENVIRONMENTS, "custom (with base_url)"])
    raise ProcoreSourceError(
        f"Unknown Procore environment {environment!r}: set sources.procore.environment to "
        f"one of {choices}."
    )


def check_narrowing(project_status: str, resources: Sequence[str]) -> None:
    """Check the settings that narrow a load: which projects, and which catalog entries.

    Raises:
        ProcoreSourceError: naming the setting and the values it accepts.
    """
    if project_status not in PROJECT_STATUS_FILTERS:
        raise ProcoreSourceError(
            f"sources.procore.project_status {project_status!r} is not one of "
            f"{', '.join(PROJECT_STATUS_FILTERS)}."
        )
    unknown = sorted(set(resources) - set(BY_NAME))
    if unknown:
        raise ProcoreSourceError(
            f"sources.procore.resources names unknown resources {', '.join(unknown)}: "
            f"choose from {', '.join(BY_NAME)}."
        )


@dlt.source(name="procore")
def procore_source(
    client_id: str = dlt.secrets.value,
    client_secret: str = dlt.secrets.value,
    company_ids: Sequence[int] = dlt.config.value,
    environment: str = "production",
    base_url: str | None = None,
    login_url: str | None = None,
    project_status: str = "all",
    project_ids: Sequence[int] | None = None,
    resources: Sequence[str] | None = None,
    start_date: str = DEFAULT_START_DATE,
    per_page: int = DEFAULT_PER_PAGE,
    rate_limit_policy: str = "wait",
    page_workers: int = 4,
    reconcile_every_hours: float = 24.0,
    daily_log_lookback_days: int = 14,
    stats: RequestStats | None = None,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> Sequence[DltResource]:
    """Every Procore list of ``catalog.CATALOG``, one dlt resource per entry.

    Args:
        client_id: OAuth client id of a Developer Managed Service Account
            (docs/procore-rest-api.md#client-credentials-dmsa).
        client_secret: Its client secret.
        company_ids: The companies to load; each is sent as ``Procore-Company-Id``
            (docs/procore-rest-api.md#the-procore-company-id-header).
        environment: ``production``, ``developer_sandbox``, ``monthly_sandbox`` or ``custom``.
        base_url: API host override (required for ``custom``, e.g. the local sandbox).
        login_url: OAuth host override.
        project_status: ``all``, ``active`` or ``inactive`` projects (Procore lists only
            active projects unless told otherwise).
        project_ids: Load only these projects (the rest of the project filter still applies).
        resources: Load only these catalog entries (their parents are read, not loaded).
        start_date: Earliest ``updated_at`` (or log date) loaded, ``YYYY-MM-DD``.
        per_page: Page size; Procore recommends at most 2,000.
        rate_limit_policy: When the hourly request budget runs out: ``wait`` for the
            window to reset, or ``stop`` the run cleanly; what was read is loaded, and the
            next run resumes with the lists not yet read (docs/rate-limits.md).
        page_workers: How many pages (or child lists) are fetched at once.
        reconcile_every_hours: How often each incremental list is re-read in full to find
            hard deletions (0: on every run).
        daily_log_lookback_days: How many days before the newest daily log already loaded
            are re-read on each run (logs are approved or completed days later).
        stats: Filled with requests, retries, waits, skips and an early stop.
        progress: Told the rows read per resource as the load goes.
        clock: Where the run reads the time and waits out rate limits (the ``time`` module
            by default). Its time at the start is the run's "now": the end of every
            incremental window, and what decides that a list is due for reconciliation.

    Returns:
        One resource per catalog entry, with ``resources`` selected.
    """
    if not company_ids:
        raise ProcoreSourceError(
            "No Procore company configured: set sources.procore.company_ids "
            "(for example [8089]) in .dlt/config.toml."
        )
    check_narrowing(project_status, resources or ())
    if rate_limit_policy not in RATE_LIMIT_POLICIES:
        raise ProcoreSourceError(
            f"sources.procore.rate_limit_policy {rate_limit_policy!r} is not one of "
            f"{', '.join(RATE_LIMIT_POLICIES)}."
        )
    login, base = resolve_hosts(environment, base_url, login_url)
    run_stats = stats if stats is not None else RequestStats()
    run_clock = clock if clock is not None else time
    root_client = ProcoreClient(
        base,
        login,
        client_id,
        client_secret,
        rate_limit_policy=rate_limit_policy,
        stats=run_stats,
        page_workers=page_workers,
        clock=run_clock,
    )
    run = Run(
        clients={int(c): root_client.for_company(int(c)) for c in company_ids},
        stats=run_stats,
        progress=progress or Progress(),
        per_page=per_page,
        page_workers=page_workers,
        start=start_of(start_date),
        status_filter=PROJECT_STATUS_FILTERS[project_status],
        project_ids={int(p) for p in project_ids} if project_ids else None,
        reconcile_every=timedelta(hours=reconcile_every_hours),
        lookback=timedelta(days=daily_log_lookback_days),
        now=datetime.fromtimestamp(run_clock.time(), UTC),
    )
    built: dict[str, DltResource] = {}
    for endpoint in CATALOG:
        built[endpoint.name] = _resource(endpoint, run, built)
    if resources:
        for name, resource in built.items():
            resource.selected = name in resources
    return list(built.values())


def _resource(endpoint: Endpoint, run: Run, built: dict[str, DltResource]) -> DltResource:
    """The dlt resource (or transformer) of one catalog entry."""
    columns = {
        DELETED_COLUMN: {"data_type": "bool", "hard_delete": True},
        **{column: {"nullable": False} for column in endpoint.key},
        **endpoint.columns,
    }
    # dlt's merge keeps one row per key and load, the first by `dedup_sort`. Where records
    # carry `updated_at` that is the newest version (a record that changed between two page
    # reads is read twice); elsewhere any one will do, but a sort column is still named:
    # without one dlt numbers the rows `ORDER BY (SELECT NULL)`, which DuckDB plans as a
    # cross product (6 s instead of 0.6 s for the 390,000 daily manpower logs at `large`).
    version = "updated_at" if endpoint.versioned else endpoint.primary_key[-1]
    columns[version] = {
        **({"data_type": "timestamp"} if endpoint.versioned else {}),
        **columns.get(version, {}),
        "dedup_sort": "desc",
    }
    hints: dict[str, Any] = {
        "name": endpoint.name,
        "primary_key": list(endpoint.key),
        "write_disposition": MERGE,
        "columns": columns,
    }
    # Records that are renamed, regrouped or filtered one by one stay on the Python path.
    plain = endpoint.envelope == "array" and not endpoint.renames and endpoint.name not in FILTERED
    if endpoint.paginated and plain:
        run.readers[endpoint.name] = PageReader()
    shapers: list[TableShaper] = []  # one per run, made on first use (it reads the schema)

    def tables(pages: Iterator[Page]) -> Iterator[pa.Table]:
        if not shapers:
            known = known_columns(endpoint.name)
            reader = run.readers.get(endpoint.name)
            shapers.append(TableShaper(endpoint.name, columns, known, reader))
            if not known:  # never loaded: nothing in the raw table to merge with
                run.appending[endpoint.name] = set()
        for table in _in_tables(pages, shapers[0]):
            yield _with_disposition(endpoint.name, table, run)

    if endpoint.name == "companies":

        def companies() -> Iterator[pa.Table]:
            for company_id in run.clients:
                run.progress.plan(endpoint.name, 1)
                yield from tables(_read_unit(endpoint, Unit(company_id), run))

        return dlt.resource(companies, **hints)

    def read(parents: pa.Table) -> Iterator[pa.Table]:
        yield from tables(_read_children(endpoint, _parent_rows(parents), run))

    parent_name = endpoint.parent or ("companies" if endpoint.scope == "company" else "projects")
    return dlt.transformer(read, data_from=built[parent_name], **hints)


def _with_disposition(name: str, table: pa.Table, run: Run) -> Any:
    """A table for dlt, marked with its entry's write disposition where that changes.

    A table the raw dataset does not hold yet is appended: there is nothing to merge with,
    and dlt's merge would write every row twice (a staging table, then the delete-insert;
    about 5 s of an 11 s load step at `large`). Appending keeps every row it is given, so the entry
    stays appended only while each key comes once: each list read once, no record twice in
    a list (one that moved between two page reads). Otherwise the entry goes back to merge,
    which dlt then applies to the whole table's load, deduplicated by ``dedup_sort``.
    """
    disposition = APPEND if name in run.appending else MERGE
    if run.dispositions.get(name) == disposition:
        # Marked all the same: dlt hands a parent's marks on to the items of its children.
        return dlt.mark.with_table_name(table, name)
    run.dispositions[name] = disposition
    return dlt.mark.with_hints(table, dlt.mark.make_hints(write_disposition=disposition))


def _read_children(endpoint: Endpoint, parents: list[Row], run: Run) -> Iterator[Page]:
    """The lists of ``endpoint`` under a batch of parent rows, and tombstones of gone ones."""
    units = []
    unchanged = run.unchanged.get(endpoint.parent or "", set())
    for parent in parents:
        unit = unit_under(endpoint, parent)
        if parent.get(DELETED_COLUMN):
            # The parent is gone, so are its lists.
            known = run.existing.in_scope(endpoint, unit.scope_value(endpoint))
            yield from _tombstones(endpoint, unit, set(), known, run)
        elif endpoint.scope != "parent" or parent.get("id") not in unchanged:
            units.append(unit)
    if not run.stopped:
        yield from _read_units(endpoint, units, run)


def _in_tables(pages: Iterator[Page], shaper: TableShaper) -> Iterator[pa.Table]:
    """Pages gathered into Arrow tables of about ``BATCH_ROWS`` rows.

    A run that stops early (the "stop" policy) ends the pages normally, so what was read is
    still handed on; a failure raises before the rest is, and the run loads nothing.
    """
    batch: list[Row] = []  # pages of records
    tables: list[pa.Table] = []  # pages read into Arrow, shaped
    for page in pages:
        if isinstance(page, pa.Table):
            tables.append(shaper.from_page(page))
            if sum(table.num_rows for table in tables) >= BATCH_ROWS:
                yield from _joined(tables)
                tables = []
            continue
        batch.extend(page)
        if len(batch) >= BATCH_ROWS or (shaper.reader is not None and shaper.reader.wants_types):
            yield shaper(batch)
            batch = []
    if batch:
        yield shaper(batch)
    yield from _joined(tables)


def _joined(tables: list[pa.Table]) -> Iterator[pa.Table]:
    """Shaped pages as one table.

    dlt's work per item (schema checks, a Parquet row group) costs milliseconds, as much
    as reading a page.

    Pages may lack columns (no value on that page) or hold nested values of other shapes
    (an empty list on one, objects on the next): both are unified without altering a value,
    as dlt's writer is told to. Where that cannot be done, the pages go one by one.
    """
    if len(tables) <= 1:
        yield from tables
        return
    try:
        yield pa.concat_tables(tables, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        yield from tables


# What a child list needs of its parent rows.
PARENT_FIELDS = (COMPANY_COLUMN, PROJECT_COLUMN, "id", DELETED_COLUMN)


def _parent_rows(parents: pa.Table) -> list[Row]:
    """The parent rows a transformer was handed, with the fields that place their lists."""
    return parents.select(
        [name for name in PARENT_FIELDS if name in parents.column_names]
    ).to_pylist()


def _read_unit(endpoint: Endpoint, unit: Unit, run: Run) -> Iterator[Page]:
    """Read one list, streaming its pages."""
    plan = plan_list(endpoint, unit, run)
    client = run.clients[unit.company_id]
    yield from _finish(endpoint, plan, _pages(client, endpoint, plan, run), run)


def _read_units(endpoint: Endpoint, units: list[Unit], run: Run) -> Iterator[Page]:
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
            yield from _read_unit(endpoint, unit, run)
        return
    plans = [plan_list(endpoint, unit, run) for unit in units]
    # A task of the pool costs this thread about 60 µs (a future, a queue, a wake-up), as
    # much as the rest of a one-row list: child lists go in groups. Project lists can be
    # long, so they go one by one and the window of lists held in memory stays small.
    per_task = LISTS_PER_TASK if endpoint.scope == "parent" else 1
    groups = iter([plans[first : first + per_task] for first in range(0, len(plans), per_task)])

    def fetch(group: list[Plan]) -> list[tuple[Plan, list[Page], ProcoreSourceError | None]]:
        fetched = []
        for plan in group:
            # The pages read before a failure are kept: under the "stop" policy they are
            # loaded. A list skipped for a 403 or 404 does not hold back the rest of the
            # group; any other failure ends it, and the run, on this thread.
            pages: list[Page] = []
            client = run.clients[plan.unit.company_id]
            try:
                pages.extend(_pages(client, endpoint, plan, run))
            except ProcoreSourceError as error:
                fetched.append((plan, pages, error))
                if not _skippable(error, endpoint, plan.unit):
                    break
                continue
            fetched.append((plan, pages, None))
        return fetched

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending = deque(pool.submit(fetch, group) for group in islice(groups, workers * 2))
        while pending:
            future = pending.popleft()
            following = next(groups, None)
            if following is not None:
                pending.append(pool.submit(fetch, following))
            for plan, pages, error in future.result():
                yield from _finish(endpoint, plan, _replay(pages, error), run)
                if run.stopped:
                    return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _replay(pages: list[Page], error: ProcoreSourceError | None) -> Iterator[Page]:
    """The pages a worker read, then the error that ended the list, if any."""
    yield from pages
    if error is not None:
        raise error


# The lists every other list hangs on: without them nothing can be loaded, so a 403 there is
# a configuration error, not a tool to skip.
RUN_STOPPING_LISTS = frozenset({"companies", "projects"})


def _skippable(error: ProcoreSourceError, endpoint: Endpoint, unit: Unit) -> bool:
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


def _finish(endpoint: Endpoint, plan: Plan, pages: Iterator[Page], run: Run) -> Iterator[Page]:
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
                rows: Page = _with_lineage(page, lineage)
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
        if not _skippable(error, endpoint, unit):
            raise
        # Skip it, say so, keep its cursor.
        run.stats.skipped.append(
            (unit.company_id, unit.project_id or 0, endpoint.name, error.status, str(error))
        )
        return
    run.progress.add(endpoint.name, read, lists=1)
    if plan.whole:
        yield from _tombstones(endpoint, unit, seen, known, run)
        if endpoint.sync != "full":
            reconciled[plan.state_key] = procore_time(run.now)
    if endpoint.sync != "full":
        cursors[plan.state_key] = newest or cursors.get(plan.state_key) or ""


def _appending(endpoint: Endpoint, unit: Unit, run: Run) -> bool:
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


def _pages(client: ProcoreClient, endpoint: Endpoint, plan: Plan, run: Run) -> Iterator[Page]:
    """The records of one list, a page at a time; grouped meetings come out flat.

    Long pages of the entries with a ``PageReader`` may come as Arrow tables.
    """
    pages: Iterator[Page]
    if endpoint.paginated:
        reader = run.readers.get(endpoint.name)
        read = reader.read if reader is not None else None
        pages = client.paginate(plan.path, plan.params, per_page=run.per_page, read=read)
    else:
        body, _ = client.get_json(plan.path, plan.params)
        pages = iter([body if isinstance(body, list) else []])
    for page in pages:
        if endpoint.envelope == "grouped":
            page = [
                {**meeting, "group_title": group.get("group_title")}
                for group in page
                for meeting in group.get("meetings") or []
            ]
        yield page


def _shape(endpoint: Endpoint, record: Row, lineage: Row) -> Row:
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


def _wanted(endpoint: Endpoint, row: Row, run: Run) -> bool:
    """Whether a listed record belongs in the load (the configured companies and projects)."""
    if endpoint.name == "companies":
        return row.get("id") == row[COMPANY_COLUMN]
    if endpoint.name == "projects" and run.project_ids is not None:
        return row.get("id") in run.project_ids
    return True


def _tombstones(
    endpoint: Endpoint,
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
