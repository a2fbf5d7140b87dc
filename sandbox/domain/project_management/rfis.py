"""The RFIs tool: RFIs and their replies, generated and advanced.

An RFI's status follows from when it was created, sent (``initiated_at``) and closed
(``time_resolved``); ``_advance_rfis`` sends drafts, answers and closes open RFIs and raises
new ones at the project's own pace.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from ..common import Company, Record, parse_timestamp, quick_between, timestamp, user_ref, weighted
from .context import ONE_SECOND, _location, _moment, _Team, _working_days

RFI_TOPICS = (
    "Rock encountered at grid {g}",
    "Conflict between duct and beam at grid {g}",
    "Missing dimension on sheet A-{n}",
    "Footing depth at grid {g}",
    "Substitution request for storefront system",
    "Slab edge detail at level {n}",
    "Fire damper location at corridor {n}",
    "Door hardware set {n} clarification",
    "Roof drain sizing at area {n}",
    "Electrical panel location in room 1{n:02d}",
    "Rebar lap length at wall {g}",
    "Finish schedule discrepancy in room 2{n:02d}",
)  # fmt: skip
RFI_ANSWERS = (
    "Proceed per sketch SK-{n}.",
    "Use the detail on sheet S-{n}; revised drawing to follow.",
    "Confirmed as drawn.",
    "Relocate per attached markup.",
    "Substitution accepted, submit product data.",
    "Provide field dimensions before we respond.",
    "Under review with the structural engineer.",
)  # fmt: skip
IMPACT_STATUSES = (
    ("no_impact", 50), ("tbd", 20), ("yes_known", 15), ("n_a", 10), ("yes_unknown", 5),
)  # fmt: skip
RFIS_PER_PROJECT = {
    "tiny": (8, 12),
    "small": (40, 70),
    "medium": (80, 160),
    "large": (150, 450),
}


def _response_days(rng: random.Random, span_days: float) -> float:
    """Days from an RFI being opened to its closing.

    Most are answered and closed within about a week; some are answered but left open for
    weeks; about a fifth get stuck (a design question nobody owns, a closing nobody does) and
    stay open for months, up to most of the project's life so far (``span_days``). That mix
    gives a typical active project 10-20% of its RFIs open and the long aging tail real
    projects show.
    """
    draw = rng.random()
    answered = min(rng.lognormvariate(math.log(5.0), 0.7), 40.0)
    if draw < 0.66:
        return answered
    if draw < 0.76:
        return answered + rng.uniform(10, 45)
    return rng.uniform(30, max(100.0, 0.9 * span_days))


def _impact(rng: random.Random, unit: str) -> Record:
    status = weighted(rng, IMPACT_STATUSES)
    if status != "yes_known":
        return {"status": status, "value": None}
    if unit == "money":
        return {"status": status, "value": float(rng.randrange(500, 80_000, 50))}
    return {"status": status, "value": rng.randint(1, 15)}


def _rfis(rng: random.Random, company: Company, team: _Team) -> list[Record]:
    """The RFIs of one project, numbered from 1 in the order they were created."""
    clock = company.clock
    project = team.project
    first = team.start + timedelta(days=14)
    span_days = max(1.0, (team.end - first).total_seconds() / 86_400)
    count = rng.randint(*RFIS_PER_PROJECT[company.scale])
    created_times = sorted(quick_between(rng, first, team.end) for _ in range(count))
    rfis = []
    for number, created in enumerate(created_times, start=1):
        # Drafts are recent: an RFI is either sent within days or abandoned.
        is_draft = project["active"] and created > clock - timedelta(days=21) and rng.random() < 0.3
        initiated = None
        if not is_draft:
            initiated = min(clock, created + timedelta(minutes=rng.randint(0, 240)))
        resolved = None
        if initiated is not None:
            resolved = initiated + timedelta(days=_response_days(rng, span_days))
            if not project["active"] and resolved > team.end:
                # A closed-out project has no open RFIs left.
                resolved = quick_between(rng, initiated, team.end)
            resolved = resolved.replace(microsecond=0)
            if resolved > clock:
                resolved = None
        rfis.append(_rfi(rng, company, team, number, created, initiated, resolved, is_draft))
    return rfis


def _rfi(
    rng: random.Random,
    company: Company,
    team: _Team,
    number: int,
    created: datetime,
    initiated: datetime | None,
    resolved: datetime | None,
    is_draft: bool,
) -> Record:
    """One RFI in the list shape; its status follows from the three moments."""
    clock = company.clock
    project = team.project
    rfi_id = company.ids.take("rfi")
    assignee = rng.choice(team.reviewers)
    raised_by = rng.choice(team.field_staff)
    contractor = rng.choice(team.vendors)
    topic = rng.choice(RFI_TOPICS).format(g=rng.choice("ABCDEFGH"), n=rng.randint(1, 9))
    status = "draft" if is_draft else ("open" if resolved is None else "closed")
    due_date = (
        None
        if initiated is None
        else _working_days(initiated.date(), project["_rfi_due_working_days"])
    )
    last_event = resolved or initiated or created
    updated = quick_between(rng, last_event, min(clock, last_event + timedelta(days=3)))
    if status == "open":
        ball = [assignee] if rng.random() < 0.8 else [team.manager]
    elif status == "draft":
        ball = [team.manager]
    else:
        ball = []
    location = _location(rng, project) if rng.random() < 0.4 else None
    cost_code = rng.choice(team.cost_codes) if team.cost_codes else None
    return {
        "_project_id": project["id"],
        "id": rfi_id,
        "number": str(number),
        "full_number": str(number),
        "prefix": None,
        "subject": topic,
        "status": status,
        "translated_status": status.capitalize(),
        "private": rng.random() < 0.05,
        "reference": None,
        "due_date": due_date.isoformat() if due_date else None,
        "initiated_at": timestamp(initiated) if initiated else None,
        "time_resolved": timestamp(resolved) if resolved else None,
        "link": f"https://app.procore.com/{project['id']}/project/rfi/show/{rfi_id}",
        "location_id": location["id"] if location else None,
        "location": location,
        "assignee": user_ref(assignee),
        "assignees": [{**user_ref(assignee), "locale": "en", "response_required": True}],
        "ball_in_court": user_ref(ball[0]) if ball else None,
        "ball_in_courts": [user_ref(person) for person in ball],
        "rfi_manager": user_ref(team.manager),
        "received_from": user_ref(raised_by),
        "created_by": user_ref(team.manager),
        "responsible_contractor": {"id": contractor["id"], "name": contractor["name"]},
        "cost_code": {"id": cost_code[0], "name": cost_code[1]} if cost_code else None,
        "sub_job": None,
        "project_stage": dict(project["project_stage"]),
        "cost_impact": _impact(rng, "money"),
        "schedule_impact": _impact(rng, "days"),
        "questions": [{"id": company.ids.take("rfi_question"), "body": f"{topic}. Please advise."}],
        "custom_fields": {},
        "deleted": False,
        "deleted_at": None,
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
    }


def _reply(
    rng: random.Random,
    company: Company,
    rfi: Record,
    author: Record,
    when: datetime,
    official: bool,
) -> Record:
    """One answer to an RFI, in the replies list's shape."""
    body = rng.choice(RFI_ANSWERS).format(n=rng.randint(1, 30))
    return {
        "_project_id": rfi["_project_id"],
        "_parent_id": rfi["id"],
        "id": company.ids.take("rfi_reply"),
        "official": official,
        "answer_date": timestamp(when),
        "plain_text_body": body,
        "rich_text_body": f"<p>{body}</p>",
        "created_by": author["name"],
        "created_by_id": author["id"],
        "attachments": [],
    }


def _replies(rng: random.Random, company: Company, team: _Team, rfi: Record) -> list[Record]:
    """The answers an RFI has so far.

    A closed RFI has its official answer from the assignee shortly before it was closed,
    sometimes after an unofficial exchange; about a third of open RFIs already carry
    unofficial answers (a partial reply, a request for field dimensions).
    """
    if rfi["status"] == "draft":
        return []
    initiated = parse_timestamp(rfi["initiated_at"])
    assignee = team.people[rfi["assignee"]["id"]]
    replies = []
    if rfi["status"] == "closed":
        resolved = parse_timestamp(rfi["time_resolved"])
        answered = _answer_time(rng, initiated, resolved)
        if rng.random() < 0.3 and answered - initiated > timedelta(hours=2):
            author = rng.choice((assignee, team.manager))
            early = quick_between(rng, initiated + ONE_SECOND, answered - ONE_SECOND)
            replies.append(_reply(rng, company, rfi, author, early, official=False))
        replies.append(_reply(rng, company, rfi, assignee, answered, official=True))
    elif rng.random() < 0.35:
        for _ in range(rng.randint(1, 2)):
            when = quick_between(rng, initiated + ONE_SECOND, company.clock)
            author = rng.choice((assignee, team.manager))
            replies.append(_reply(rng, company, rfi, author, when, official=False))
        replies.sort(key=lambda reply: reply["answer_date"])
    return replies


def _answer_time(rng: random.Random, initiated: datetime, resolved: datetime) -> datetime:
    """When the official answer came: before closing, mostly within the last two days."""
    earliest = max(initiated, resolved - timedelta(days=2))
    if resolved - earliest <= ONE_SECOND:
        return earliest
    return quick_between(rng, earliest, resolved - ONE_SECOND)


def _advance_rfis(
    rng: random.Random,
    company: Company,
    team: _Team,
    rfis: list[Record],
    since: datetime,
    days: float,
    replies: list[Record],
) -> list[Record]:
    """Answer, close and send existing RFIs; return the RFIs created in the window."""
    clock = company.clock
    # Chance that an open RFI is closed in the window: about a 25-day mean time to close.
    close_chance = 1 - math.exp(-days / 25)
    for rfi in rfis:
        if rfi["deleted"]:
            continue
        if rfi["status"] == "draft" and rng.random() < 1 - math.exp(-days / 4):
            sent = _moment(rng, max(since, parse_timestamp(rfi["created_at"])), clock)
            due = _working_days(sent.date(), team.project["_rfi_due_working_days"])
            assignee = team.people[rfi["assignee"]["id"]]
            rfi.update(
                status="open",
                translated_status="Open",
                initiated_at=timestamp(sent),
                due_date=due.isoformat(),
                ball_in_court=user_ref(assignee),
                ball_in_courts=[user_ref(assignee)],
                updated_at=timestamp(sent),
            )
        elif rfi["status"] == "open" and rng.random() < close_chance:
            answered = _moment(rng, since, clock - ONE_SECOND)
            closed = quick_between(rng, answered + ONE_SECOND, clock)
            author = team.people[rfi["assignee"]["id"]]
            replies.append(_reply(rng, company, rfi, author, answered, official=True))
            rfi.update(
                status="closed",
                translated_status="Closed",
                time_resolved=timestamp(closed),
                ball_in_court=None,
                ball_in_courts=[],
                updated_at=timestamp(closed),
            )
        elif rfi["status"] == "open" and rng.random() < close_chance / 2:
            author = team.people[rfi["assignee"]["id"]]
            replies.append(_reply(rng, company, rfi, author, _moment(rng, since, clock), False))
    # New RFIs at the project's own pace so far.
    live = [rfi for rfi in rfis if rfi["initiated_at"] or rfi["status"] == "draft"]
    age_days = max(30.0, (clock - team.start).total_seconds() / 86_400 - 14)
    expected = len(live) / age_days * days
    count = int(expected) + (rng.random() < expected - int(expected))
    number = max((int(rfi["number"]) for rfi in rfis), default=0)
    created_rfis = []
    for created in sorted(_moment(rng, since, clock) for _ in range(count)):
        number += 1
        is_draft = rng.random() < 0.3
        initiated = None
        if not is_draft:
            initiated = min(clock, created + timedelta(minutes=rng.randint(0, 240)))
        record = _rfi(rng, company, team, number, created, initiated, None, is_draft)
        record["updated_at"] = timestamp(max(parse_timestamp(record["updated_at"]), created))
        created_rfis.append(record)
    return created_rfis
