"""The Procore REST source: companies, projects and RFIs into a raw dlt dataset.

Configuration follows dlt: ``[sources.procore]`` in ``.dlt/config.toml`` and
``.dlt/secrets.toml``, or ``SOURCES__PROCORE__<KEY>`` environment variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.sources import DltResource

from .helpers import (
    ProcoreAPIError,
    ProcoreClient,
    ProcoreRateLimitExhausted,
    ProcoreSourceError,
    RequestStats,
)
from .settings import (
    CLOCK_SKEW_MARGIN,
    CURSOR_OVERLAP,
    DEFAULT_PER_PAGE,
    DEFAULT_START_DATE,
    ENVIRONMENTS,
    PROJECT_COLUMNS,
    PROJECT_STATUS_FILTERS,
    RATE_LIMIT_POLICIES,
    RFI_COLUMNS,
)

__all__ = ["ProcoreSourceError", "RequestStats", "procore_source", "resolve_hosts"]


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


def _procore_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_procore_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _start_of(start_date: str) -> datetime:
    try:
        return datetime.fromisoformat(start_date).replace(tzinfo=UTC)
    except ValueError:
        raise ProcoreSourceError(
            f"sources.procore.start_date {start_date!r} is not a date: use YYYY-MM-DD."
        ) from None


@dlt.source(name="procore", max_table_nesting=2)
def procore_source(
    client_id: str = dlt.secrets.value,
    client_secret: str = dlt.secrets.value,
    company_ids: Sequence[int] = dlt.config.value,
    environment: str = "production",
    base_url: str | None = None,
    login_url: str | None = None,
    project_status: str = "all",
    start_date: str = DEFAULT_START_DATE,
    per_page: int = DEFAULT_PER_PAGE,
    rate_limit_policy: str = "wait",
    page_workers: int = 4,
    stats: RequestStats | None = None,
) -> Sequence[DltResource]:
    """Procore companies, their projects, and each project's RFIs.

    Args:
        client_id: OAuth client id of a Developer Managed Service Account (§1.2).
        client_secret: Its client secret.
        company_ids: The companies to load; each is sent as ``Procore-Company-Id`` (§1.5).
        environment: ``production``, ``developer_sandbox``, ``monthly_sandbox`` or ``custom``.
        base_url: API host override (required for ``custom``, e.g. the local sandbox).
        login_url: OAuth host override.
        project_status: ``all``, ``active`` or ``inactive`` projects (Procore lists only
            active projects unless told otherwise).
        start_date: Earliest ``updated_at`` loaded on the first run, ``YYYY-MM-DD``.
        per_page: Page size; Procore recommends at most 2,000.
        rate_limit_policy: When the hourly request budget runs out (§4): ``wait`` for the
            window to reset, or ``stop`` the run cleanly; what was read is loaded, and the
            next run resumes with the projects not yet read.
        page_workers: How many pages of one list are fetched at once (after page 1, whose
            `Total` header says how many follow).
        stats: Filled with requests, retries, waits and an early stop, for the run summary.

    Returns:
        The ``companies``, ``projects`` and ``rfis`` resources.
    """
    if not company_ids:
        raise ProcoreSourceError(
            "No Procore company configured: set sources.procore.company_ids "
            "(for example [8089]) in .dlt/config.toml."
        )
    if project_status not in PROJECT_STATUS_FILTERS:
        raise ProcoreSourceError(
            f"sources.procore.project_status {project_status!r} is not one of "
            f"{', '.join(PROJECT_STATUS_FILTERS)}."
        )
    if rate_limit_policy not in RATE_LIMIT_POLICIES:
        raise ProcoreSourceError(
            f"sources.procore.rate_limit_policy {rate_limit_policy!r} is not one of "
            f"{', '.join(RATE_LIMIT_POLICIES)}."
        )
    companies_wanted = [int(company_id) for company_id in company_ids]
    login, base = resolve_hosts(environment, base_url, login_url)
    run_stats = stats if stats is not None else RequestStats()
    root_client = ProcoreClient(
        base,
        login,
        client_id,
        client_secret,
        rate_limit_policy=rate_limit_policy,
        stats=run_stats,
        page_workers=page_workers,
    )

    def stop_cleanly(error: ProcoreRateLimitExhausted) -> None:
        """Record why the run stopped; resources then yield nothing more (policy "stop")."""
        run_stats.stopped_early = run_stats.stopped_early or str(error)

    clients = {company_id: root_client.for_company(company_id) for company_id in companies_wanted}
    first_window_start = _start_of(start_date)

    @dlt.resource(primary_key="id", write_disposition="merge")
    def companies() -> Iterator[list[dict[str, Any]]]:
        """The configured companies, as `/rest/v1.0/companies` describes them (§8.1)."""
        for company_id, client in clients.items():
            try:
                visible = [
                    company
                    for page in client.paginate("/rest/v1.0/companies", per_page=per_page)
                    for company in page
                ]
            except ProcoreRateLimitExhausted as error:
                stop_cleanly(error)
                return
            matching = [company for company in visible if company.get("id") == company_id]
            if not matching:
                raise ProcoreAPIError(
                    f"Company {company_id} is not among the {len(visible)} companies these "
                    "credentials can see: check sources.procore.company_ids.",
                    404,
                )
            yield matching

    @dlt.resource(primary_key="id", write_disposition="merge", columns=PROJECT_COLUMNS)
    def projects() -> Iterator[list[dict[str, Any]]]:
        """Every project of each company, listed in full on every run (§8.2).

        The project list is the discovery step for all project-scoped resources, so it is
        read whole each run (one request per 1,000 projects): a project that becomes visible
        to the app later is found at once, with its full history.
        """
        for company_id, client in clients.items():
            params = {
                "company_id": company_id,
                "filters[by_status]": PROJECT_STATUS_FILTERS[project_status],
            }
            if run_stats.stopped_early:
                return
            try:
                yield from client.paginate("/rest/v1.0/projects", params, per_page=per_page)
            except ProcoreRateLimitExhausted as error:
                stop_cleanly(error)
                return

    @dlt.transformer(
        data_from=projects, primary_key="id", write_disposition="merge", columns=RFI_COLUMNS
    )
    def rfis(project_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Each project's RFIs (§8.12), incrementally on `filters[updated_at]`.

        The cursor is kept per (company, project) in the resource state, not one per
        resource: a project that appears later starts from `start_date`, not from the newest
        RFI of the other projects.
        """
        cursors: dict[str, str] = dlt.current.resource_state().setdefault("cursors", {})
        window_end = _procore_time(datetime.now(UTC) + CLOCK_SKEW_MARGIN)
        for project in project_page:
            if run_stats.stopped_early:
                # Out of budget: this project's cursor stays where it was, so the next run
                # reads it (and every later one) in full.
                return
            company_id = int(project["company"]["id"])
            project_id = int(project["id"])
            key = f"{company_id}:{project_id}"
            since = first_window_start
            if key in cursors:
                since = _parse_procore_time(cursors[key]) - CURSOR_OVERLAP
            params = {"filters[updated_at]": f"{_procore_time(since)}...{window_end}"}
            newest = cursors.get(key)
            client = clients[company_id]
            try:
                for page in client.paginate(
                    f"/rest/v1.0/projects/{project_id}/rfis", params, per_page=per_page
                ):
                    for rfi in page:
                        # RFI payloads do not name their project; the path does.
                        rfi.setdefault("project_id", project_id)
                        updated_at = rfi.get("updated_at")
                        if updated_at and (newest is None or updated_at > newest):
                            newest = updated_at
                    yield page
            except ProcoreRateLimitExhausted as error:
                # Pages already yielded are loaded (merge makes re-reading them harmless);
                # the cursor does not move, so the next run re-reads this project.
                stop_cleanly(error)
                return
            except ProcoreAPIError as error:
                if error.status not in (403, 404):
                    raise
                # §6: a tool disabled on one project (403), or a project the account can no
                # longer see (404), must not stop the other projects. Skip it, say so, and
                # keep its cursor so it loads in full once access returns.
                run_stats.skipped.append((company_id, project_id, "rfis", error.status, str(error)))
                continue
            if newest is not None:
                cursors[key] = newest

    return companies, projects, rfis
