"""The Daily Log tool: manpower logs and daily log headers, one per work day.

The generation loop is the hottest of the sandbox (most records of a large company), hence
its (day index, second of day) moments rendered straight to text.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ..common import Company, Record, parse_timestamp, timestamp, user_ref
from .context import ONE_SECOND, _location, _midnight, _stamp, _Team

# Vendors on site on a work day (one manpower log per vendor and day).
VENDORS_ON_SITE = (3, 8)
MANPOWER_HOURS = (8.0, 8.0, 8.0, 10.0, 6.0)
MANPOWER_NOTES = (
    "Formwork", "Pour slab", "Rebar placement", "Steel erection", "Rough-in", "Hang board",
    "Tape and finish", "Roofing membrane", "Curtain wall install", "Excavation", "Trim out",
    "Punch list", "Testing and inspection", "",
)  # fmt: skip


def _daily_logs(
    rng: random.Random,
    company: Company,
    team: _Team,
    first: datetime,
    last: datetime,
    since: datetime | None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Record], list[Record]]:
    """Manpower logs and daily log headers for the work days from ``first`` to ``last``.

    One manpower log per vendor on site and work day, one header per work day with logs.

    A day's logs are entered from early afternoon to midnight, so the clock's own day may be
    partly logged. Logs older than a week have been approved. With ``since`` (an advance),
    nothing is stamped at or before it.
    """
    # Hot loop (most records of a large company): moments are (day index, second of day)
    # pairs from the first day, rendered straight to text.
    clock = company.clock
    base = first.date()
    texts = [(base + timedelta(days=k)).isoformat() for k in range((last.date() - base).days + 4)]

    def moment(instant: datetime) -> tuple[int, int]:
        seconds = instant.hour * 3600 + instant.minute * 60 + instant.second
        return (instant.date() - base).days, seconds

    def stamp(day_index: int, second: int) -> str:
        day_index, second = day_index + second // 86_400, second % 86_400
        hours, rest = divmod(second, 3600)
        return f"{texts[day_index]}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}Z"

    now = moment(clock)
    approved_before = moment(clock - timedelta(days=7))
    after = moment(since) if since is not None else None
    project_id = team.project["id"]
    take = company.ids.take
    manager_ref = user_ref(team.manager)
    vendors = [
        (
            vendor["id"],
            vendor["name"],
            vendor["trades"][0] if vendor["trades"] else None,
            (team.staff_of.get(vendor["id"]) or [None])[0],
        )
        for vendor in team.vendors
    ]
    cost_codes = team.cost_codes
    low, high = VENDORS_ON_SITE
    logs: list[Record] = []
    headers: list[Record] = []
    weekday = base.weekday()
    for index in range((last.date() - base).days + 1):
        day_text = texts[index]
        if (weekday + index) % 7 >= 5 or day_text in skip:
            continue
        on_site = rng.sample(vendors, min(len(vendors), low + int(rng.random() * (high - low + 1))))
        entered = 0
        for position, (vendor_id, vendor_name, trade, contact) in enumerate(on_site, start=1):
            # Entered from 13:00 to midnight.
            created = (index, 46_800 + int(rng.random() * 39_600))
            if after is not None and created <= after:
                created = (after[0], after[1] + 1 + int(rng.random() * 600))
            if created > now:
                continue
            approved = created < approved_before
            updated = created
            if approved:  # approved up to two days later, always before the clock
                updated = (created[0], created[1] + int(rng.random() * 172_800))
            workers = 2 + int(rng.random() * 13)
            hours = MANPOWER_HOURS[int(rng.random() * len(MANPOWER_HOURS))]
            cost_code = cost_codes[int(rng.random() * len(cost_codes))] if cost_codes else None
            entered += 1
            logs.append(
                {
                    "_project_id": project_id,
                    "id": take("manpower_log"),
                    "date": day_text,
                    "datetime": f"{day_text}T12:00:00Z",
                    "num_workers": workers,
                    "num_hours": f"{hours:.1f}",
                    "man_hours": f"{workers * hours:.1f}",
                    "notes": MANPOWER_NOTES[int(rng.random() * len(MANPOWER_NOTES))],
                    "status": "approved" if approved else "pending",
                    "position": position,
                    "vendor": {"id": vendor_id, "name": vendor_name},
                    "trade": dict(trade) if trade else None,
                    "cost_code": {"id": cost_code[0], "name": cost_code[1]} if cost_code else None,
                    "location": _location(rng, team.project) if rng.random() < 0.25 else None,
                    "contact": _contact(contact) if contact else None,
                    "user": dict(manager_ref),
                    "created_by": dict(manager_ref),
                    "attachments": [],
                    "custom_fields": {},
                    "permissions": {"can_update": not approved, "can_delete": not approved},
                    "created_at": stamp(*created),
                    "updated_at": stamp(*updated),
                    "deleted_at": None,
                }
            )
        if entered:
            day = base + timedelta(days=index)
            headers.append(_header(rng, company, team, day, since))
    return logs, headers


def _contact(user: Record) -> Record:
    """The vendor contact on a manpower log.

    Procore's reference gives ``contact{id,name,email,job_title,business_phone,...}``; the
    "..." is not documented, so only these five.
    """
    return {
        "id": user["contact_id"],
        "name": user["name"],
        "email": user["email_address"],
        "job_title": user["job_title"],
        "business_phone": user["business_phone"],
    }


def _header(
    rng: random.Random, company: Company, team: _Team, day: date, since: datetime | None
) -> Record:
    """The daily log header of one day (``daily_log_headers/index``).

    Superintendents complete a day's log by the next evening and distribute it with it.
    """
    clock = company.clock
    completed_at = _midnight(day) + timedelta(hours=rng.uniform(20, 44))
    if since is not None:
        completed_at = max(completed_at, since + ONE_SECOND)
    completed = completed_at <= clock
    manager = user_ref(team.manager)
    return {
        "_project_id": team.project["id"],
        "id": company.ids.take("daily_log_header"),
        "log_date": day.isoformat(),
        "log_datetime": f"{day.isoformat()}T12:00:00Z",
        "completed": completed,
        "completed_by": manager if completed else None,
        "completed_at": timestamp(completed_at) if completed else None,
        "completable": not completed,
        "distributed": completed,
        "distributed_by": dict(manager) if completed else None,
        "distributed_at": timestamp(completed_at) if completed else None,
        "distributable": not completed,
    }


def _advance_daily_logs(
    rng: random.Random,
    company: Company,
    team: _Team,
    logs: list[Record],
    since: datetime,
    days: float,
) -> tuple[list[Record], list[Record]]:
    """Complete the open daily log headers, approve week-old manpower logs, log the new days.

    Returns the new manpower logs and daily log headers.
    """
    clock = company.clock
    pid = team.project["id"]
    logged = {log["date"] for log in logs}
    for header in company.project_rows("daily_log_headers", pid):
        if not header["completed"] and header["log_date"] < clock.date().isoformat():
            done = since + timedelta(seconds=1 + rng.random() * min(86_000, days * 86_000))
            header.update(
                completed=True,
                completed_by=user_ref(team.manager),
                completed_at=timestamp(done),
                completable=False,
                distributed=True,
                distributed_by=user_ref(team.manager),
                distributed_at=timestamp(done),
                distributable=False,
            )
    week_ago = clock - timedelta(days=7)
    for log in logs:
        if log["status"] == "pending" and parse_timestamp(log["created_at"]) < week_ago:
            log["status"] = "approved"
            log["permissions"] = {"can_update": False, "can_delete": False}
            log["updated_at"] = _stamp(rng, since, clock)
    new_logs, new_headers = _daily_logs(rng, company, team, since, clock, since=since, skip=logged)
    return new_logs, new_headers
