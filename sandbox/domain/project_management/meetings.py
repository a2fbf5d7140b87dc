"""The Meetings tool: recurring meeting series, held and scheduled up to the clock."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ..common import Company, Record, quick_between, timestamp, weighted
from .context import ONE_SECOND, _midnight, _Team

MEETING_SERIES = (
    # (group title, title prefix, weekday, every n weeks, location)
    ("OAC Meetings", "OAC", 1, 2, "Jobsite trailer"),
    ("Subcontractor Coordination", "Coordination", 3, 1, "Jobsite trailer"),
    ("Safety Meetings", "Safety", 0, 4, "Level 1 laydown area"),
)  # fmt: skip
# Procore's reference gives `mode` no values; in_person/virtual are our guess.
MEETING_MODES = (("in_person", 70), ("virtual", 30))


def _meetings(rng: random.Random, company: Company, team: _Team) -> list[Record]:
    """The recurring meetings of one project, up to the next one scheduled."""
    records = []
    for series in MEETING_SERIES:
        records += _meeting_series(rng, company, team, series, team.start, team.end, 0)
    records.sort(key=lambda record: record["id"])
    return records


def _meeting_series(
    rng: random.Random,
    company: Company,
    team: _Team,
    series: tuple[str, str, int, int, str],
    start: datetime,
    end: datetime,
    position: int,
    since: datetime | None = None,
) -> list[Record]:
    """Meetings of one series dated after ``start``.

    The series' numbering goes on from ``position``. A meeting is scheduled about a week
    ahead, so the next one after ``end`` is already in the list (``occurred`` false) when it
    was created before the clock.
    """
    group_title, prefix, weekday, every, location = series
    clock = company.clock
    day = start.date() + timedelta(days=(weekday - start.weekday()) % 7 + 7)
    records = []
    while True:
        meeting_at = _midnight(day) + timedelta(hours=15)
        created = meeting_at - timedelta(days=rng.uniform(5, 9))
        if since is not None:
            created = max(created, since + ONE_SECOND)
        if created > clock or (not team.project["active"] and meeting_at > end):
            break
        occurred = meeting_at <= clock
        if occurred:
            updated = quick_between(rng, meeting_at, min(clock, meeting_at + timedelta(days=2)))
        else:
            updated = quick_between(rng, created, min(clock, created + timedelta(days=1)))
        position += 1
        records.append(
            {
                "_project_id": team.project["id"],
                "_group_title": group_title,
                "id": company.ids.take("meeting"),
                "title": f"{prefix} #{position}",
                "position": position,
                "created_by_id": team.manager["id"],
                "description": "",
                "mode": weighted(rng, MEETING_MODES),
                "meeting_date": day.isoformat(),
                "parent_id": None,
                "location": location,
                "meeting_topics_count": rng.randint(4, 18),
                "occurred": occurred,
                "is_private": False,
                "created_at": timestamp(created),
                "updated_at": timestamp(max(updated, created)),
            }
        )
        if not occurred:
            break
        day += timedelta(weeks=every)
    return records


def _advance_meetings(
    rng: random.Random,
    company: Company,
    team: _Team,
    meetings: list[Record],
    since: datetime,
) -> list[Record]:
    """Hold the scheduled meetings that fell in the window and schedule the next ones."""
    clock = company.clock
    created: list[Record] = []
    for series in MEETING_SERIES:
        rows = [row for row in meetings if row["_group_title"] == series[0]]
        if not rows:
            continue
        latest = max(rows, key=lambda row: row["position"])
        start = _midnight(date.fromisoformat(latest["meeting_date"]))
        if not latest["occurred"]:
            meeting_at = start + timedelta(hours=15)
            if meeting_at > clock:
                continue
            latest["occurred"] = True
            latest["updated_at"] = timestamp(
                quick_between(rng, max(meeting_at, since + ONE_SECOND), clock)
            )
        # The series goes on from the last held meeting; `_meeting_series` starts a week on.
        created += _meeting_series(
            rng,
            company,
            team,
            series,
            start - timedelta(weeks=1) + timedelta(weeks=series[3]),
            clock,
            latest["position"],
            since=since,
        )
    return created
