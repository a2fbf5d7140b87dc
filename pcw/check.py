"""`pcw check`: can these credentials load, which tools may they read, and what will it cost.

Reads one page of each list (``per_page=1``, so Procore's ``Total`` header gives the list's
size) for each configured company: the company lists, and the project lists of a sample of
projects. Loads nothing and writes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from load.procore import RUN_STOPPING_LISTS, ProcoreSourceError
from load.procore.catalog import CATALOG, ListSpec
from load.procore.client import ProcoreClient
from load.procore.errors import ProcoreAPIError
from load.procore.settings import PROJECT_STATUS_FILTERS
from load.procore.transport import Answer

# How many projects' lists are sampled to estimate the rest.
SAMPLE_PROJECTS = 3
DOCUMENTED_HOURLY = 3600
HOURLY_FLOOR = 1000


@dataclass
class CompanyCheck:
    """What `pcw check` found for one company."""

    company_id: int
    project_count: int = 0
    denied: list[tuple[str, str]] = field(default_factory=list)  # (list, where)
    first_load_requests: int = 0
    incremental_requests: int = 0
    rate_limit: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _fill(path: str, company_id: int, project_id: int | None) -> str:
    return path.replace("{company_id}", str(company_id)).replace(
        "{project_id}", str(project_id or "")
    )


def _params(endpoint: ListSpec, company_id: int, project_id: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        name: _fill(value, company_id, project_id) for name, value in endpoint.params.items()
    }
    if endpoint.paginated:
        params.update(page=1, per_page=1)
    return params


def _size(answer: Answer, body: Any) -> int:
    """Rows in a list from one page: ``Total`` where Procore sends it, else the page itself."""
    total = (answer.headers.get("Total") or "").strip()
    if total.isdigit():
        return int(total)
    return len(body) if isinstance(body, list) else 0


def _pages(rows: float, per_page: int) -> int:
    return max(1, math.ceil(rows / per_page))


@dataclass(frozen=True)
class Narrowing:
    """The settings that narrow a load, and with it the estimate of its requests."""

    project_status: str = "all"
    project_ids: frozenset[int] = frozenset()
    resources: frozenset[str] = frozenset()

    @cached_property
    def read_lists(self) -> frozenset[str]:
        """The lists the load reads: the selected ones and their parents (empty: all)."""
        wanted = set(self.resources)
        for selected in self.resources:
            parent = _entry(selected).parent
            while parent:
                wanted.add(parent)
                parent = _entry(parent).parent
        return frozenset(wanted)

    def reads(self, endpoint: ListSpec) -> bool:
        """True if the load reads this list: selected, or the parent of a selected one."""
        return not self.resources or endpoint.name in self.read_lists


def check_company(
    client: ProcoreClient, company_id: int, per_page: int, narrowing: Narrowing | None = None
) -> CompanyCheck:
    """Check one company: visibility, projects, denied tools, rate limit, request estimate.

    ``narrowing`` (the load's `project_status`, `project_ids` and `resources`) limits the
    lists sampled and the estimate to what the load will read; tools are still checked on
    the sampled projects only.
    """
    narrowing = narrowing or Narrowing()
    found = CompanyCheck(company_id)
    last: Answer | None = None
    try:
        companies, last = client.get_json_and_answer("/rest/v1.0/companies")
        if company_id not in {company.get("id") for company in companies or []}:
            found.failures.append(
                f"company {company_id} is not among the companies these credentials see: fix "
                "sources.procore.company_ids, or install the app in that company"
            )
            return found
        status = PROJECT_STATUS_FILTERS[narrowing.project_status]
        projects, last = client.get_json_and_answer(
            "/rest/v1.0/projects",
            {"company_id": company_id, "filters[by_status]": status, "per_page": 100},
        )
    except ProcoreSourceError as error:
        found.failures.append(str(error))
        return found
    found.project_count = _size(last, projects)
    visible = [project["id"] for project in projects or []]
    if narrowing.project_ids:
        visible = [project for project in visible if project in narrowing.project_ids]
        # Projects beyond the first page are not seen here; the configured ones are counted.
        found.project_count = min(found.project_count, len(narrowing.project_ids))
    sample = visible[:SAMPLE_PROJECTS]
    sizes: dict[str, float] = {}
    for endpoint in CATALOG:
        if endpoint.name in RUN_STOPPING_LISTS or endpoint.scope == "parent":
            continue
        if not narrowing.reads(endpoint):
            continue
        scopes = [None] if endpoint.scope == "company" else sample
        seen = []
        for project_id in scopes:
            path = _fill(endpoint.path, company_id, project_id)
            try:
                body, last = client.get_json_and_answer(
                    path, _params(endpoint, company_id, project_id)
                )
            except ProcoreAPIError as error:
                if error.status in (403, 404):
                    where = "company" if project_id is None else f"project {project_id}"
                    found.denied.append((endpoint.name, f"{where} (HTTP {error.status})"))
                    continue
                found.failures.append(str(error))
                return found
            seen.append(_size(last, body))
        if seen:
            sizes[endpoint.name] = sum(seen) / len(seen)
    found.rate_limit = {
        name: (last.headers.get(f"X-Rate-Limit-{name}") or "?").strip()
        for name in ("Limit", "Remaining", "Reset")
    }
    _estimate(found, sizes, per_page, narrowing)
    return found


def _estimate(
    found: CompanyCheck, sizes: dict[str, float], per_page: int, narrowing: Narrowing
) -> None:
    """Requests of a first load and of a typical incremental run, from the sampled sizes."""
    projects = max(found.project_count, 0)
    first = 1 + 1 + _pages(projects, per_page)  # token, companies, projects
    incremental = first
    for endpoint in CATALOG:
        if endpoint.name in RUN_STOPPING_LISTS:
            continue
        if not narrowing.reads(endpoint):
            continue
        if endpoint.scope == "parent":
            parents = sizes.get(endpoint.parent or "")
            if parents is None:
                continue
            parent = _entry(endpoint.parent)
            lists = parents * (1 if parent.scope == "company" else projects)
            first += math.ceil(lists)
            # A whole parent hands every record to its children on every run; an incremental
            # one only the records that changed, about one in twenty a day.
            incremental += math.ceil(lists if parent.sync == "full" else lists / 20)
            continue
        if endpoint.name not in sizes:
            continue
        units = 1 if endpoint.scope == "company" else projects
        pages = _pages(sizes[endpoint.name], per_page)
        first += units * pages
        incremental += units * (pages if endpoint.sync == "full" else 1)
    found.first_load_requests = first
    found.incremental_requests = incremental


def _entry(name: str | None) -> ListSpec:
    return next(endpoint for endpoint in CATALOG if endpoint.name == name)


def report_lines(found: CompanyCheck, environment: str) -> list[str]:
    """The lines `pcw check` prints for one company; failures are printed separately."""
    if found.failures:
        return []
    limit = found.rate_limit.get("Limit", "?")
    # The headers describe whichever window is tighter at the moment; a limit this small is
    # the 10-second spike window, so the hours are reckoned at the documented hourly budget.
    hourly = int(limit) if limit.isdigit() and int(limit) >= HOURLY_FLOOR else DOCUMENTED_HOURLY
    lines = [
        f"Company {found.company_id}: token obtained ({environment}); "
        f"{found.project_count:,} projects visible",
        "  rate limit: "
        + ", ".join(f"{name.lower()} {value}" for name, value in found.rate_limit.items()),
        f"  next first load: about {found.first_load_requests:,} requests, "
        f"{found.first_load_requests / hourly:.1f} h at {hourly:,} requests an hour",
        f"  typical incremental run: about {found.incremental_requests:,} requests, "
        f"{found.incremental_requests / hourly * 60:.0f} min",
    ]
    if found.denied:
        lines.append(f"  {len(found.denied)} lists answer 403/404 and will be skipped:")
        lines += [f"    {name}: {where}" for name, where in found.denied]
    else:
        lines.append("  every list answers: no tool is denied")
    return lines
