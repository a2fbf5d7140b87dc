"""Every list endpoint the sandbox serves, read from the resource contracts.

A contract's ``x-endpoint`` block (see ``sandbox/contracts/__init__.py``) says where a
resource is served and which filters, sorts and pagination apply. This module turns those
blocks into working endpoints over the generated company, so that adding a resource is one
contract file plus its generator: no route code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .contracts import contract_names, load_contract
from .http import HttpError, Request
from .listing import array_filter, filter_ids, filter_time_range, parse_instant

if TYPE_CHECKING:
    from .domain.common import Company

Record = dict[str, Any]
NOT_FOUND = {"errors": "Not Found"}


@dataclass(frozen=True)
class ServedList:
    """One list endpoint, as its contract describes it."""

    resource: str
    path: str
    scope: str
    parent_resource: str | None
    parent_param: str | None
    required_params: tuple[str, ...]
    paginated: bool
    filters: frozenset[str]
    sort_style: str | None
    sort_fields: tuple[str, ...]
    envelope: str
    date_scope_field: str | None
    aliases: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression with named groups for its parameters."""
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path) + "$")


def load_served_lists() -> list[ServedList]:
    """Every endpoint with a contract, most specific path first."""
    endpoints = []
    for name in contract_names():
        spec = load_contract(name)["x-endpoint"]
        parent = spec.get("parent") or {}
        sort = spec.get("sort") or {}
        date_scope = spec.get("date_scope") or {}
        endpoints.append(
            ServedList(
                resource=name,
                path=spec["path"],
                scope=spec["scope"],
                parent_resource=parent.get("resource"),
                parent_param=parent.get("path_param"),
                required_params=tuple(spec.get("required_params", ())),
                paginated=bool(spec.get("paginated", True)),
                filters=frozenset(spec.get("filters", ())),
                sort_style=sort.get("style"),
                sort_fields=tuple(sort.get("fields", ())),
                envelope=spec.get("envelope", "array"),
                date_scope_field=date_scope.get("field"),
                aliases=tuple(spec.get("aliases", ())),
            )
        )
    return sorted(endpoints, key=lambda endpoint: -endpoint.path.count("/"))


def _int_param(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class ServedListRows:
    """Resolves an endpoint's scope and applies its filters, sorts and date scope."""

    def __init__(
        self,
        company: Company,
        check_tool_enabled: Callable[[int | None, str], None] = lambda project_id, resource: None,
    ) -> None:
        self.company = company
        self.check_tool_enabled = check_tool_enabled

    # -- scope ---------------------------------------------------------------------------

    def _required(self, endpoint: ServedList, request: Request) -> None:
        for name in endpoint.required_params:
            value = request.param(name)
            if value is None or not value.strip():
                raise HttpError(400, {"errors": f"param is missing or the value is empty: {name}"})

    def _project(self, project_id: int | None) -> Record:
        """The project, or 404 when the caller cannot see it (Procore answers 404, not 403)."""
        project = next((p for p in self.company.projects if p["id"] == project_id), None)
        if project is None:
            raise HttpError(404, NOT_FOUND)
        return project

    def rows(self, endpoint: ServedList, request: Request) -> Sequence[Record]:
        """The endpoint's records in scope, before filters."""
        self._required(endpoint, request)
        company_id = request.path_params.get("company_id") or request.param("company_id")
        if company_id is not None and _int_param(company_id) != self.company.company_id:
            raise HttpError(404, NOT_FOUND)
        if endpoint.scope == "company":
            self.check_tool_enabled(None, endpoint.resource)
            return self.company.rows(endpoint.resource)
        project_id = _int_param(
            request.path_params.get("project_id") or request.param("project_id")
        )
        if endpoint.scope == "project":
            project = self._project(project_id)
            self.check_tool_enabled(project["id"], endpoint.resource)
            return self.company.project_rows(endpoint.resource, project["id"])
        parent_id = _int_param(request.path_params.get(endpoint.parent_param or ""))
        parent = self.company.record(endpoint.parent_resource or "", parent_id)
        if parent is None or (
            project_id is not None and parent.get("_project_id") not in (None, project_id)
        ):
            raise HttpError(404, NOT_FOUND)
        if parent.get("_project_id") is not None:
            self.check_tool_enabled(parent["_project_id"], endpoint.resource)
        return self.company.children(endpoint.resource, parent["id"])

    # -- filters -------------------------------------------------------------------------

    def select(self, endpoint: ServedList, request: Request) -> list[Record]:
        """The records the request asks for: scoped, filtered, date-scoped and sorted."""
        rows: Iterable[Record] = self.rows(endpoint, request)
        rows = self._scope_params(endpoint, request, rows)
        rows = self._deleted(endpoint, request, rows)
        for name in sorted(endpoint.filters - {"include_deleted"}):
            rows = self._filter(name, request, rows)
        if endpoint.date_scope_field:
            rows = self._date_scope(endpoint.date_scope_field, request, rows)
        return self._sort(endpoint, request, list(rows))

    def _scope_params(
        self, endpoint: ServedList, request: Request, rows: Iterable[Record]
    ) -> Iterable[Record]:
        """Narrow by plain query parameters that name a parent, such as ``contract_id``.

        Change order requests require ``contract_id`` and packages accept it; the
        record may carry it publicly or, where the list shape omits it, as ``_contract_id``.
        """
        names = [n for n in endpoint.required_params if n not in {"project_id", "company_id"}]
        if "contract_id" not in names and request.param("contract_id") is not None:
            names.append("contract_id")
        for name in names:
            value = request.param(name)
            if value is None:
                continue
            rows = [row for row in rows if str(row.get(name, row.get(f"_{name}"))) == value.strip()]
        return rows

    def _deleted(
        self, endpoint: ServedList, request: Request, rows: Iterable[Record]
    ) -> Iterable[Record]:
        """Hide soft-deleted records unless ``filters[include_deleted]`` asks for them.

        ``only`` returns just the deleted ones, ``with`` both; endpoints without the filter
        never show deleted records. v1.0 meetings use ``deleted_only=true`` instead.
        """
        wanted = None
        if "include_deleted" in endpoint.filters:
            wanted = (request.param("filters[include_deleted]") or "").strip().lower() or None
        if endpoint.envelope == "grouped_meetings" and request.param("deleted_only") == "true":
            wanted = "only"
        if wanted == "with":
            return rows
        if wanted in {"only", "true"}:
            return (row for row in rows if row.get("deleted_at"))
        return (row for row in rows if not row.get("deleted_at"))

    def _filter(self, name: str, request: Request, rows: Iterable[Record]) -> Iterable[Record]:
        if name in {"updated_at", "created_at"}:
            return filter_time_range(rows, request, name)
        if name == "id":
            return filter_ids(rows, request)
        if name == "by_status":
            # Projects list active ones by default; `All` lists every project.
            wanted = (request.param("filters[by_status]") or "Active").strip().lower()
            if wanted == "all":
                return rows
            if wanted not in {"active", "inactive"}:
                raise HttpError(
                    400, {"errors": "filters[by_status] must be Active, Inactive or All"}
                )
            return (row for row in rows if bool(row.get("active")) == (wanted == "active"))
        if name == "search":
            return _search(rows, request.param("filters[search]"))
        values = array_filter(request, name)
        if values is None:
            return rows
        wanted = {value.strip().lower() for value in values}
        if wanted == {"all"}:
            # Daily logs take `filters[status]=all` for every status.
            return rows
        if name.startswith("not_"):
            return (row for row in rows if not _matches(row, name[4:], wanted))
        return (row for row in rows if _matches(row, name, wanted))

    def _date_scope(self, field: str, request: Request, rows: Iterable[Record]) -> Iterable[Record]:
        """Daily logs answer for one day or a date range; with neither, today only."""
        log_date = request.param("log_date")
        start, end = request.param("start_date"), request.param("end_date")
        if log_date:
            first = last = parse_instant(log_date).date()
        elif start or end:
            first = parse_instant(start).date() if start else date.min
            last = parse_instant(end).date() if end else date.max
        else:
            first = last = self.company.clock.date()
        first_day, last_day = first.isoformat(), last.isoformat()
        return (
            row for row in rows if row.get(field) and first_day <= str(row[field])[:10] <= last_day
        )

    def _sort(self, endpoint: ServedList, request: Request, rows: list[Record]) -> list[Record]:
        """Apply the endpoint's documented sort parameter; unknown fields are ignored."""
        keys: list[tuple[str, bool]] = []
        if endpoint.sort_style == "sort[attribute]":
            attribute = request.param("sort[attribute]")
            if attribute:
                descending = (request.param("sort[direction]") or "asc").lower() == "desc"
                keys.append((attribute, descending))
        elif endpoint.sort_style == "sort":
            for part in (request.param("sort") or "").split(","):
                part = part.strip()
                if part:
                    keys.append((part.lstrip("-"), part.startswith("-")))
        for field, descending in reversed(keys):
            if field not in endpoint.sort_fields:
                continue
            present = [row for row in rows if row.get(field) is not None]
            missing = [row for row in rows if row.get(field) is None]
            present.sort(key=lambda row, f=field: _sortable(row[f]), reverse=descending)
            rows = present + missing
        return rows


def _sortable(value: Any) -> Any:
    if isinstance(value, dict):
        return str(value.get("name", value.get("id", "")))
    if isinstance(value, str) and value.isdigit():
        return (0, int(value), value)
    return (1, 0, value) if isinstance(value, str) else value


def _matches(row: Record, name: str, wanted: set[str]) -> bool:
    """Whether a record's field matches a ``filters[name]`` value.

    Plain fields compare as text; a status object compares on its inner status or name; an
    ``x_id`` filter also matches the id of a nested ``x`` object (``vendor_id`` ↔ ``vendor``).
    """
    candidates: list[Any] = []
    if name in row:
        candidates.append(row[name])
    if name.endswith("_id") and isinstance(row.get(name[:-3]), dict):
        candidates.append(row[name[:-3]].get("id"))
    for value in candidates:
        if isinstance(value, dict):
            values = {str(value.get(key)).lower() for key in ("status", "name", "id")}
        elif isinstance(value, list):
            values = {str(item.get("id") if isinstance(item, dict) else item) for item in value}
        else:
            values = {str(value).lower()}
        if values & wanted:
            return True
    return False


SEARCHED_FIELDS = ("name", "title", "subject", "description", "company", "notes", "number")


def _search(rows: Iterable[Record], text: str | None) -> Iterable[Record]:
    """``filters[search]``: case-insensitive text search over a record's names and titles."""
    if not text or not text.strip():
        return rows
    needle = text.strip().lower()
    return (
        row
        for row in rows
        if any(needle in str(row.get(field) or "").lower() for field in SEARCHED_FIELDS)
    )


def group_meetings(rows: Sequence[Record]) -> list[Record]:
    """The grouped envelope of v1.0 meetings: ``[{group_title, meetings: [...]}]``."""
    groups: dict[str, list[Record]] = {}
    for row in rows:
        groups.setdefault(row.get("_group_title") or "Meetings", []).append(row)
    return [{"group_title": title, "meetings": meetings} for title, meetings in groups.items()]
