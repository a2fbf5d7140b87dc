"""What every project management tool shares: a project's team, dates and locations.

``_Team`` is who and what one project's records can name; the rest are small helpers for
moments (whole seconds, working days) used by the tools' generation and ``advance`` steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from ..common import Company, Record, add_working_days, quick_between, timestamp

LOCATIONS = ("Level 1", "Level 2", "Level 3", "Roof", "Site", "Basement")
ONE_SECOND = timedelta(seconds=1)
# Due dates repeat (the same sent date, the same number of days): count the working days once.
_working_days = cache(add_working_days)


@dataclass
class _Team:
    """Who and what one project's records can name, precomputed once per project."""

    project: Record
    manager: Record
    managers: list[Record]
    reviewers: list[Record]
    field_staff: list[Record]
    vendors: list[Record]
    staff_of: dict[int, list[Record]]
    people: dict[int, Record]
    cost_codes: list[tuple[int, str]]
    start: datetime
    end: datetime


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _teams(company: Company, rng: random.Random) -> list[_Team]:
    """One ``_Team`` per project, from the directory's project users and vendors."""
    role_of: dict[int, str] = {}
    for role, people in company.roles.items():
        for person in people:
            role_of.setdefault(person["id"], role)
    users = {user["id"]: user for user in company.users}
    vendors = {vendor["id"]: vendor for vendor in company.vendors}
    cost_codes: dict[int, list[tuple[int, str]]] = {}
    for code in company.rows("cost_codes"):
        cost_codes.setdefault(code.get("_project_id"), []).append((code["id"], code["name"]))
    teams = []
    for project in company.projects:
        members = [users[row["id"]] for row in company.project_rows("project_users", project["id"])]
        on_site = [
            vendors[row["id"]] for row in company.project_rows("project_vendors", project["id"])
        ]
        by_role: dict[str, list[Record]] = {"managers": [], "reviewers": [], "field_staff": []}
        staff_of: dict[int, list[Record]] = {}
        for member in members:
            by_role[role_of[member["id"]]].append(member)
            if member.get("_vendor_id") is not None:
                staff_of.setdefault(member["_vendor_id"], []).append(member)
        managers = by_role["managers"] or company.roles["managers"]
        start = _midnight(date.fromisoformat(project["start_date"]))
        completion = _midnight(date.fromisoformat(project["completion_date"]))
        teams.append(
            _Team(
                project=project,
                manager=rng.choice(managers),
                managers=managers,
                reviewers=by_role["reviewers"] or company.roles["reviewers"],
                field_staff=by_role["field_staff"] or managers,
                vendors=on_site or company.vendors,
                staff_of=staff_of,
                people=users,
                cost_codes=cost_codes.get(project["id"], []),
                start=start,
                # An active project keeps working past its planned completion; a closed-out
                # one stopped at it.
                end=company.clock if project["active"] else min(company.clock, completion),
            )
        )
    return teams


def _location(rng: random.Random, project: Record) -> Record:
    level = rng.randrange(len(LOCATIONS))
    return {
        "id": 88_001 + level,
        "name": LOCATIONS[level],
        "node_name": f"{project['name']} > {LOCATIONS[level]}",
        "parent_id": None,
    }


def _stamp(rng: random.Random, since: datetime, clock: datetime) -> str:
    """A timestamp strictly after ``since`` and not after ``clock``."""
    return timestamp(_moment(rng, since, clock))


def _moment(rng: random.Random, since: datetime, clock: datetime) -> datetime:
    return quick_between(rng, since + ONE_SECOND, clock)
