"""Filters and pagination of Procore list endpoints.

What Procore documents and what the sandbox assumes: docs/procore-api.md#pagination and
docs/procore-api.md#filters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

from .http import HttpError, Request, query_string

Record = dict

# `per_page` has no documented default; 100 is what the Ruby SDK's links show.
# The documented maximum moved from 10,000 to a recommended 2,000: accept 10,000 and clamp.
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 10_000

_RANGE_SEPARATOR = "..."


def parse_instant(text: str, *, end_of_day: bool = False) -> datetime:
    """Parse one end of a Procore date range: a date, a UTC datetime or an offset one."""
    text = text.strip().strip('"').strip("'")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, UTC)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError as error:
        raise HttpError(400, {"errors": f"invalid date in filter: {text!r}"}) from error


def parse_range(value: str) -> tuple[datetime | None, datetime | None]:
    """Parse ``start...end`` (either end may be left open); both ends inclusive [INFERRED]."""
    if _RANGE_SEPARATOR not in value:
        instant = value.strip()
        return parse_instant(instant), parse_instant(instant, end_of_day=True)
    start, end = value.split(_RANGE_SEPARATOR, 1)
    return (
        parse_instant(start) if start.strip() else None,
        parse_instant(end, end_of_day=True) if end.strip() else None,
    )


def record_instant(value: str | None) -> datetime | None:
    """A record's ``YYYY-MM-DDTHH:MM:SSZ`` timestamp as an aware datetime."""
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def array_filter(request: Request, name: str) -> list[str] | None:
    """Values of an array filter in any of the forms clients send.

    Accepts ``filters[x][]=1&filters[x][]=2``, repeated ``filters[x]=1&filters[x]=2``,
    JSON-array text ``filters[x]=[1,2]`` and comma lists ``filters[x]=1,2``.
    """
    raw = request.params(f"filters[{name}][]") + request.params(f"filters[{name}]")
    if not raw:
        return None
    values: list[str] = []
    for item in raw:
        item = item.strip()
        if item.startswith("["):
            try:
                values.extend(str(v) for v in json.loads(item))
                continue
            except ValueError:
                item = item.strip("[]")
        values.extend(part.strip() for part in item.split(",") if part.strip())
    return values


def filter_time_range(
    records: Iterable[Record], request: Request, attribute: str
) -> Iterable[Record]:
    """Apply ``filters[<attribute>]=start...end`` when the request carries it."""
    value = request.param(f"filters[{attribute}]")
    if value is None:
        return records
    start, end = parse_range(value)

    def inside(record: Record) -> bool:
        instant = record_instant(record.get(attribute))
        if instant is None:
            return False
        return (start is None or instant >= start) and (end is None or instant <= end)

    return filter(inside, records)


def filter_ids(records: Iterable[Record], request: Request) -> Iterable[Record]:
    """Apply ``filters[id]`` in every array form."""
    values = array_filter(request, "id")
    if values is None:
        return records
    try:
        wanted = {int(value) for value in values}
    except ValueError as error:
        raise HttpError(400, {"errors": "filters[id] must be integers"}) from error
    return (record for record in records if record["id"] in wanted)


def _positive_int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return number if number > 0 else default


def page_window(
    request: Request, total: int, default_per_page: int, max_per_page: int
) -> tuple[int, int]:
    """The requested ``page`` (1-based) and the effective ``per_page`` (clamped)."""
    page = _positive_int(request.param("page"), 1)
    per_page = min(_positive_int(request.param("per_page"), default_per_page), max_per_page)
    return page, per_page


def pagination_headers(
    request: Request, base_url: str, page: int, per_page: int, total: int
) -> dict[str, str]:
    """``Total``, ``Per-Page`` and ``Link`` headers for one page.

    Link URLs are absolute and keep every query parameter of the request: clients follow
    ``rel="next"`` as given and would otherwise lose their filters.
    Pages after the first carry ``first`` and ``prev`` as the Ruby SDK's README shows; the
    official page omits ``prev`` on page 2, and both are harmless to clients.
    """
    headers = {"Total": str(total), "Per-Page": str(per_page)}
    last = max(1, math.ceil(total / per_page))
    if last == 1 and page == 1:
        return headers

    def url(target: int) -> str:
        pairs = [(k, v) for k, v in request.query if k != "page"]
        pairs.append(("page", str(target)))
        return f"{base_url}{request.path}?{query_string(pairs)}"

    links = []
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
    links.append(f'<{url(last)}>; rel="last"')
    headers["Link"] = ", ".join(links)
    return headers


def slice_page(records: Sequence[Record], page: int, per_page: int) -> Sequence[Record]:
    """The records on one page; a page past the end is empty, not an error [INFERRED]."""
    start = (page - 1) * per_page
    return records[start : start + per_page]
