"""Building blocks shared by every part of the generated company.

A record is a plain ``dict`` shaped like the Procore API's JSON
(docs/procore-api.md#the-lists-we-read). Keys starting with an underscore are private to
the sandbox (``_project_id``, ``_parent_id``, ...) and are never served.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

Record = dict[str, Any]

FIRST_NAMES = (
    "Ada", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal", "Kira",
    "Luis", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Architect", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jones",
    "Kowalski", "Lopez", "Mensah", "Ng", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka",
    "Usman", "Vargas", "Weber", "Xu", "Young", "Zimmer",
)  # fmt: skip
TRADES = (
    "Concrete", "Steel Erectors", "Electrical", "Mechanical", "Plumbing", "Drywall", "Roofing",
    "Glazing", "Earthwork", "Painting", "Fire Protection", "Elevators", "Masonry", "Flooring",
)  # fmt: skip
VENDOR_SUFFIXES = ("Co.", "Inc.", "LLC", "Group", "Partners", "Contractors")
CITIES = (
    ("Anytown", "CA", "93013", "US/Pacific", 34.385, -119.49),
    ("Fresno", "CA", "93650", "US/Pacific", 36.74, -119.78),
    ("Austin", "TX", "78701", "US/Central", 30.27, -97.74),
    ("Denver", "CO", "80202", "US/Mountain", 39.74, -104.99),
    ("Columbus", "OH", "43215", "US/Eastern", 39.96, -82.99),
    ("Tampa", "FL", "33602", "US/Eastern", 27.95, -82.46),
)  # fmt: skip


def timestamp(moment: datetime) -> str:
    """Render an instant the way Procore does, in UTC: ``YYYY-MM-DDTHH:MM:SSZ``.

    Formatted from ``isoformat``, several times faster than ``strftime`` (it runs over a
    million times for a large company); an instant in another zone is converted first.
    """
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return f"{moment.isoformat(timespec='seconds')[:19]}Z"


def parse_timestamp(value: str) -> datetime:
    """Parse a ``YYYY-MM-DDTHH:MM:SSZ`` timestamp into an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def add_working_days(start: date, days: int) -> date:
    """Return the date ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@cache
def _table(pairs: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], list[int], int]:
    """A ``(value, weight)`` table with its running sums, computed once per table."""
    values = tuple(value for value, _ in pairs)
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative, total


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    """Pick one value of ``(value, weight)`` pairs with one ``rng.random()`` draw.

    The same draw and the same value as ``rng.choices(values, weights)``, with the running
    sums done once per table (it runs hundreds of thousands of times for a large company).
    """
    values, cumulative, total = _table(pairs)
    return values[bisect(cumulative, rng.random() * total)]


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random instant between two instants, on a whole second."""
    if end <= start:
        return start
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, span))


def quick_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random instant between two instants, on a whole second.

    As ``between``, drawing one float instead of ``randint`` (it runs hundreds of
    thousands of times for a large company). The two draw differently, so a caller keeps
    the one it was written with: the same seed must give the same company.
    """
    if end <= start:
        return start
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=int(rng.random() * (span + 1)))


def user_ref(user: Record) -> Record:
    """The ``{id, login, name}`` reference to a user used across the API."""
    return {"id": user["id"], "login": user["login"], "name": user["name"]}


def short_ref(record: Record) -> Record:
    """The ``{id, name}`` reference to a user or vendor."""
    return {"id": record["id"], "name": record["name"]}


class Ids:
    """Hands out increasing ids per object type.

    Each object type has its own range (``register``), so that ids look like Procore's and a
    type's ids do not move when another type gains records.
    """

    def __init__(self, bases: dict[str, int] | None = None) -> None:
        self._next: dict[str, int] = dict(bases or {})

    def register(self, kind: str, base: int) -> None:
        """Start ids of ``kind`` at ``base`` unless the kind already has a range."""
        self._next.setdefault(kind, base)

    def register_all(self, bases: dict[str, int]) -> None:
        """``register`` every kind of ``bases`` (kind -> first id), in order."""
        for kind, base in bases.items():
            self.register(kind, base)

    def take(self, kind: str) -> int:
        """The next id of ``kind``."""
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


@dataclass
class Company:
    """One generated construction company and everything it owns.

    ``records`` holds every served object by resource key (the contract file names in
    ``sandbox/contracts``): project-scoped records carry ``_project_id``, child records
    (line items, replies) carry ``_parent_id``.
    """

    seed: int
    scale: str
    clock: datetime
    company: Record
    users: list[Record]
    vendors: list[Record]
    projects: list[Record]
    ids: Ids
    roles: dict[str, list[Record]]
    records: dict[str, list[Record]] = field(default_factory=dict)
    _index: dict[tuple[str, str], dict[int, list[Record]]] = field(default_factory=dict, repr=False)

    @property
    def company_id(self) -> int:
        """The id of the generated company."""
        return int(self.company["id"])

    def rows(self, resource: str) -> list[Record]:
        """Every record of a resource (an empty list for an unknown one)."""
        return self.records.get(resource, [])

    def add(self, resource: str, records: list[Record]) -> None:
        """Append records of a resource."""
        self.records.setdefault(resource, []).extend(records)
        self.invalidate()

    def _grouped(self, resource: str, key: str) -> dict[int, list[Record]]:
        cache_key = (resource, key)
        groups = self._index.get(cache_key)
        if groups is None:
            groups = defaultdict(list)
            for record in self.rows(resource):
                groups[record.get(key)].append(record)
            self._index[cache_key] = groups
        return groups

    def project_rows(self, resource: str, project_id: int) -> list[Record]:
        """The records of a resource that belong to one project."""
        return self._grouped(resource, "_project_id").get(project_id, [])

    def children(self, resource: str, parent_id: int) -> list[Record]:
        """The records of a child resource that belong to one parent record."""
        return self._grouped(resource, "_parent_id").get(parent_id, [])

    def record(self, resource: str, record_id: int | None) -> Record | None:
        """One record of a resource by id, or None (an indexed lookup, not a scan)."""
        matches = self._grouped(resource, "id").get(record_id)
        return matches[0] if matches else None

    def invalidate(self) -> None:
        """Forget the lookup indexes after records were added, changed or removed."""
        self._index.clear()

    @property
    def rfis_by_project(self) -> dict[int, list[Record]]:
        """Every project's RFIs, keyed by project id."""
        return {p["id"]: self.project_rows("rfis", p["id"]) for p in self.projects}

    def all_rfis(self) -> list[Record]:
        """Every RFI of every project, in project then id order."""
        return [
            rfi for project in self.projects for rfi in self.project_rows("rfis", project["id"])
        ]
