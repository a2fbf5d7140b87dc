"""Project management records: RFIs (§8.12)."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

from .common import (
    Company,
    Record,
    add_working_days,
    between,
    timestamp,
    user_ref,
    weighted,
)

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
IMPACT_STATUSES = (
    ("no_impact", 50), ("tbd", 20), ("yes_known", 15), ("n_a", 10), ("yes_unknown", 5),
)  # fmt: skip
LOCATIONS = ("Level 1", "Level 2", "Level 3", "Roof", "Site", "Basement")

RFIS_PER_PROJECT = {
    "tiny": (8, 12),
    "small": (40, 70),
    "medium": (80, 160),
    "large": (150, 450),
}


def generate_project_management(company: Company, rng: random.Random) -> None:
    """Add the RFIs of every project to ``company``."""
    company.ids.register("rfi", 4_294_968_001)  # above 2**32 on purpose (§1.5: 64-bit ids)
    company.ids.register("rfi_question", 2_001)
    company.ids.register("location", 88_001)
    for project in company.projects:
        company.add("rfis", _rfis(rng, company, project))


def _response_days(rng: random.Random) -> float:
    """Days from an RFI being opened to its closing.

    Most are answered and closed within about a week; many are answered but left open for
    weeks; a few get stuck in review for months. That mix gives the open backlog and the long
    aging tail a real project shows.
    """
    draw = rng.random()
    answered = min(rng.lognormvariate(math.log(5.0), 0.7), 40.0)
    if draw < 0.70:
        return answered
    if draw < 0.90:
        return answered + rng.uniform(10, 60)
    return rng.uniform(45, 180)


def _impact(rng: random.Random, unit: str) -> Record:
    status = weighted(rng, IMPACT_STATUSES)
    if status != "yes_known":
        return {"status": status, "value": None}
    if unit == "money":
        return {"status": status, "value": float(rng.randrange(500, 80_000, 50))}
    return {"status": status, "value": rng.randint(1, 15)}


def _rfis(rng: random.Random, company: Company, project: Record) -> list[Record]:
    """The RFIs of one project, numbered from 1 in the order they were created (§8.12)."""
    clock = company.clock
    ids = company.ids
    people = company.roles
    vendors = company.vendors
    start = datetime.combine(date.fromisoformat(project["start_date"]), datetime.min.time(), UTC)
    end = min(
        clock,
        datetime.combine(date.fromisoformat(project["completion_date"]), datetime.min.time(), UTC),
    )
    project_active = bool(project["active"])
    manager = rng.choice(people["managers"])
    cost_codes = [
        {"id": code["id"], "name": code["name"]}
        for code in company.project_rows("cost_codes", project["id"])
    ]
    per_project = RFIS_PER_PROJECT[company.scale]
    count = rng.randint(*per_project)
    created_times = sorted(between(rng, start + timedelta(days=14), end) for _ in range(count))
    rfis = []
    for number, created in enumerate(created_times, start=1):
        rfi_id = ids.take("rfi")
        assignee = rng.choice(people["reviewers"])
        raised_by = rng.choice(people["field_staff"])
        contractor = rng.choice(vendors)
        topic = rng.choice(RFI_TOPICS).format(g=rng.choice("ABCDEFGH"), n=rng.randint(1, 9))
        # Drafts are recent: an RFI is either sent within days or abandoned.
        is_draft = project_active and created > clock - timedelta(days=21) and rng.random() < 0.3
        initiated = None if is_draft else created + timedelta(minutes=rng.randint(0, 240))
        resolved = None
        if initiated is not None:
            resolved = initiated + timedelta(days=_response_days(rng))
            if not project_active and resolved > end:
                # A closed-out project has no open RFIs left.
                resolved = between(rng, initiated, end)
            resolved = resolved.replace(microsecond=0)
            if resolved > clock:
                resolved = None
        if is_draft:
            status = "draft"
        elif resolved is None:
            status = "open"
        else:
            status = "closed"
        due_date = (
            None
            if initiated is None
            else add_working_days(initiated.date(), project["_rfi_due_working_days"])
        )
        last_event = resolved or initiated or created
        updated = between(rng, last_event, min(clock, last_event + timedelta(days=3)))
        if status == "open":
            ball = [assignee] if rng.random() < 0.8 else [manager]
        elif status == "draft":
            ball = [manager]
        else:
            ball = []
        location = None
        if rng.random() < 0.4:
            level = rng.randrange(len(LOCATIONS))
            location = {
                "id": 88_001 + level,
                "name": LOCATIONS[level],
                "node_name": f"{project['name']} > {LOCATIONS[level]}",
                "parent_id": None,
            }
        rfis.append(
            {
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
                "rfi_manager": user_ref(manager),
                "received_from": user_ref(raised_by),
                "created_by": user_ref(manager),
                "responsible_contractor": {"id": contractor["id"], "name": contractor["name"]},
                "cost_code": rng.choice(cost_codes) if cost_codes else None,
                "sub_job": None,
                "project_stage": dict(project["project_stage"]),
                "cost_impact": _impact(rng, "money"),
                "schedule_impact": _impact(rng, "days"),
                "questions": [{"id": ids.take("rfi_question"), "body": f"{topic}. Please advise."}],
                "custom_fields": {},
                "deleted": False,
                "deleted_at": None,
                "created_at": timestamp(created),
                "updated_at": timestamp(updated),
            }
        )
    return rfis
