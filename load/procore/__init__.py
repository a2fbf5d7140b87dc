"""The Procore REST source: every list in ``catalog.CATALOG`` into a raw dlt dataset.

Configuration follows dlt: ``[sources.procore]`` in ``.dlt/config.toml`` and
``.dlt/secrets.toml``, or ``SOURCES__PROCORE__<KEY>`` environment variables.

This module holds the source and its resources: the settings it checks, and what each
resource hands dlt (Arrow tables, merged or appended). The rest of the package:

- ``planning``: the lists (units) a run reads, each whole or from its cursor, and its query;
- ``reading``: reading lists, one at a time or through a pool of page fetches;
- ``finishing``: the end of a list: cursors moved, lists skipped, tombstones of deleted rows;
- ``existing_keys``: what the raw file already holds (keys and columns of each table);
- ``run``: the state one run shares, its progress, Procore's time format;
- ``client``: the API client (OAuth token, requests, retries, pagination), over
  ``transport`` (pycurl), ``pacing`` (rate limits) and ``pool`` (fetches in parallel);
  ``errors``: its one-line errors;
- ``catalog``, ``columns`` (column types the models need), ``arrow`` (pages as Arrow),
  ``settings``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from .arrow import PageReader, TableShaper
from .catalog import (
    BY_NAME,
    CATALOG,
    COMPANY_COLUMN,
    DELETED_COLUMN,
    PROJECT_COLUMN,
    ListSpec,
)
from .client import Page, ProcoreClient, RequestStats
from .errors import ProcoreSourceError
from .existing_keys import _TableKeys as _TableKeys  # read by the tests
from .existing_keys import known_columns
from .finishing import FILTERED
from .finishing import RUN_STOPPING_LISTS as RUN_STOPPING_LISTS  # read by pcw check
from .pacing import Clock
from .planning import Unit, start_of
from .reading import read_children, read_unit
from .run import Progress, Row, Run
from .settings import (
    DEFAULT_DAILY_LOG_LOOKBACK_DAYS,
    DEFAULT_PAGE_WORKERS,
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
    page_workers: int = DEFAULT_PAGE_WORKERS,
    reconcile_every_hours: float = 24.0,
    daily_log_lookback_days: int = DEFAULT_DAILY_LOG_LOOKBACK_DAYS,
    stats: RequestStats | None = None,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> Sequence[DltResource]:
    """Every Procore list of ``catalog.CATALOG``, one dlt resource per entry.

    Args:
        client_id: OAuth client id of a Developer Managed Service Account
            (docs/procore-api.md#client-credentials-dmsa).
        client_secret: Its client secret.
        company_ids: The companies to load; each is sent as ``Procore-Company-Id``
            (docs/procore-api.md#the-procore-company-id-header).
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


def _resource(endpoint: ListSpec, run: Run, built: dict[str, DltResource]) -> DltResource:
    """The dlt resource (or transformer) of one catalog entry."""
    columns: dict[str, Any] = {
        DELETED_COLUMN: {"data_type": "bool", "hard_delete": True},
        **{column: {"nullable": False} for column in endpoint.key},
        **endpoint.columns,
    }
    # dlt's merge keeps one row per key and load, the first by `dedup_sort`. Where records
    # carry `updated_at` that is the newest version (a record that changed between two page
    # reads is read twice); elsewhere any one will do, but a sort column is still named:
    # without one dlt numbers the rows `ORDER BY (SELECT NULL)`, which DuckDB plans as a
    # cross product, ten times slower on the longest lists (docs/decisions.md).
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
                yield from tables(read_unit(endpoint, Unit(company_id), run))

        return dlt.resource(companies, **hints)

    def read(parents: pa.Table) -> Iterator[pa.Table]:
        yield from tables(read_children(endpoint, _parent_rows(parents), run))

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
    return dlt.mark.with_hints(
        table,
        dlt.mark.make_hints(write_disposition=disposition),  # type: ignore[arg-type]
    )


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
    rows: list[Row] = parents.select(
        [name for name in PARENT_FIELDS if name in parents.column_names]
    ).to_pylist()
    return rows
