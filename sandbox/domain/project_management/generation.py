"""Generating and advancing project management: every project, tool by tool.

``generate_project_management`` walks each project's life up to the company clock;
``advance_project_management`` lets the same processes run on through a later window and
deletes a few records across the tools. The tools run in a fixed order on one random
stream, so that the same seed and clock give the same records.
"""

from __future__ import annotations

import random
from datetime import datetime

from ..common import Company, Record, parse_timestamp, quick_between, timestamp
from .context import ONE_SECOND, _Team, _teams
from .daily_logs import _advance_daily_logs, _daily_logs
from .meetings import _advance_meetings, _meetings
from .rfis import _advance_rfis, _replies, _rfis
from .submittals import DRAFT, SUBMITTAL_STATUSES, _advance_submittals, _submittals

# Where each object type's ids start.
ID_BASES = {
    "rfi": 4_294_968_001,  # above 2**32 on purpose: Procore may issue 64-bit ids
    "rfi_question": 2_001,
    "rfi_reply": 3_001,
    "location": 88_001,
    "submittal": 7_101,
    "submittal_approver": 61_001,
    "spec_section": 88_501,
    "distribution": 91_001,
    "meeting": 5_101,
    "manpower_log": 9_001,
    "daily_log_header": 4_400_001,
}


def generate_project_management(company: Company, rng: random.Random) -> None:
    """Add the project-management records of every project to ``company``."""
    company.ids.register_all(ID_BASES)
    teams = _teams(company, rng)
    rfis: list[Record] = []
    replies: list[Record] = []
    submittals: list[Record] = []
    meetings: list[Record] = []
    logs: list[Record] = []
    headers: list[Record] = []
    for team in teams:
        project_rfis = _rfis(rng, company, team)
        rfis += project_rfis
        for rfi in project_rfis:
            replies += _replies(rng, company, team, rfi)
        submittals += _submittals(rng, company, team)
        meetings += _meetings(rng, company, team)
        project_logs, project_headers = _daily_logs(
            rng, company, team, team.start, team.end, since=None
        )
        logs += project_logs
        headers += project_headers
    company.add("submittal_statuses", [dict(status) for status in SUBMITTAL_STATUSES])
    company.add("rfis", rfis)
    company.add("rfi_replies", replies)
    company.add("submittals", submittals)
    company.add("meetings", meetings)
    company.add("manpower_logs", logs)
    company.add("daily_log_headers", headers)


def advance_project_management(company: Company, rng: random.Random, since: datetime) -> None:
    """Let project management run on from ``since`` to ``company.clock``.

    On active projects: open RFIs get answered and closed, drafts get sent, new RFIs appear;
    submittals move through their workflow and new ones are issued; the new work days get
    their manpower logs and headers; a few records are soft-deleted (``deleted_at``) and a few
    removed. Every changed or new record is stamped inside (since, clock].
    """
    company.ids.register_all(ID_BASES)
    clock = company.clock
    days = (clock - since).total_seconds() / 86_400
    teams = [team for team in _teams(company, rng) if team.project["active"]]
    new: dict[str, list[Record]] = {key: [] for key in _ADVANCED}
    removed: dict[str, set[int]] = {key: set() for key in _ADVANCED}
    for team in teams:
        pid = team.project["id"]
        rfis = list(company.project_rows("rfis", pid))
        if rfis:
            team.manager = team.people[rfis[0]["rfi_manager"]["id"]]
        new["rfis"] += _advance_rfis(rng, company, team, rfis, since, days, new["rfi_replies"])
        submittals = list(company.project_rows("submittals", pid))
        new["submittals"] += _advance_submittals(rng, company, team, submittals, since, days)
        meetings = list(company.project_rows("meetings", pid))
        new["meetings"] += _advance_meetings(rng, company, team, meetings, since)
        logs = company.project_rows("manpower_logs", pid)
        new_logs, new_headers = _advance_daily_logs(rng, company, team, logs, since, days)
        new["manpower_logs"] += new_logs
        new["daily_log_headers"] += new_headers
        _delete_some(rng, company, team, rfis, logs, submittals, since, days, removed)
    for key, records in new.items():
        if records:
            company.records.setdefault(key, []).extend(records)
    for key, ids in removed.items():
        if ids:
            company.records[key] = [row for row in company.rows(key) if row["id"] not in ids]
    company.invalidate()


_ADVANCED = (
    "rfis", "rfi_replies", "submittals", "meetings", "manpower_logs", "daily_log_headers",
)  # fmt: skip


def _delete_some(
    rng: random.Random,
    company: Company,
    team: _Team,
    rfis: list[Record],
    logs: list[Record],
    submittals: list[Record],
    since: datetime,
    days: float,
    removed: dict[str, set[int]],
) -> None:
    """Soft-delete a few records and remove a few outright.

    Soft deletes set ``deleted_at`` on RFIs and manpower logs (``include_deleted``); hard
    deletes remove records, which only a full reload notices.
    """
    clock = company.clock
    # Expected counts per active project: an RFI a month soft-deleted, a manpower log a week
    # soft-deleted and another removed (entered twice, then cleaned up), a draft submittal a
    # month discarded.
    live_rfis = [rfi for rfi in rfis if not rfi["deleted"]]
    for _ in range(_occurrences(rng, days / 30)):
        if live_rfis:
            rfi = live_rfis.pop(rng.randrange(len(live_rfis)))
            when = _after(rng, rfi, since, clock)
            rfi.update(deleted=True, deleted_at=when, updated_at=when)
    recent = [log for log in logs[-300:] if log["deleted_at"] is None]
    for _ in range(_occurrences(rng, days / 7)):
        if recent:
            log = recent.pop(rng.randrange(len(recent)))
            when = _after(rng, log, since, clock)
            log.update(deleted_at=when, updated_at=when)
    for _ in range(_occurrences(rng, days / 7)):
        if recent:
            removed["manpower_logs"].add(recent.pop(rng.randrange(len(recent)))["id"])
    drafts = [row for row in submittals if row["status"]["id"] == DRAFT["id"]]
    for _ in range(_occurrences(rng, days / 30)):
        if drafts:
            removed["submittals"].add(drafts.pop(rng.randrange(len(drafts)))["id"])


def _occurrences(rng: random.Random, expected: float) -> int:
    """How many times something with an expected count happens: floor plus a coin toss."""
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def _after(rng: random.Random, record: Record, since: datetime, clock: datetime) -> str:
    """A timestamp in (since, clock] and not before the record's own last update."""
    return timestamp(
        quick_between(rng, max(since + ONE_SECOND, parse_timestamp(record["updated_at"])), clock)
    )
