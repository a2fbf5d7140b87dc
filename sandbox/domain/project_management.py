"""Project management records: RFIs, submittals, meetings and daily logs.

RFIs and their replies, submittals, meetings, manpower logs and daily log headers; their
shapes are in docs/procore-api.md#the-lists-we-read.

Generation walks every project's life up to the company clock; ``advance_project_management``
lets the same processes run on through a later window (RFIs answered and closed, submittals
moving through their workflow, new daily logs, some records deleted).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from .common import (
    Company,
    Record,
    add_working_days,
    parse_timestamp,
    quick_between,
    short_ref,
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
LOCATIONS = ("Level 1", "Level 2", "Level 3", "Roof", "Site", "Basement")

RFIS_PER_PROJECT = {
    "tiny": (8, 12),
    "small": (40, 70),
    "medium": (80, 160),
    "large": (150, 450),
}
SUBMITTALS_PER_PROJECT = {
    "tiny": (6, 10),
    "small": (25, 45),
    "medium": (60, 120),
    "large": (120, 260),
}
# Vendors on site on a work day (one manpower log per vendor and day).
VENDORS_ON_SITE = (3, 8)

# Company submittal statuses: configurable per company, and Procore's docs do not give the
# defaults; Draft/Open/Closed are the likely ones (our assumption), "Pending" a common custom
# one (issued to the subcontractor, not yet received back).
SUBMITTAL_STATUSES = (
    {"id": 1, "name": "Draft", "status": "draft"},
    {"id": 2, "name": "Open", "status": "open"},
    {"id": 3, "name": "Closed", "status": "closed"},
    {"id": 4, "name": "Pending", "status": "open"},
)
DRAFT, OPEN, CLOSED, PENDING = SUBMITTAL_STATUSES
SUBMITTAL_TYPES = (
    ("Product Data", 40), ("Shop Drawing", 30), ("Sample", 12), ("Mock-up", 3),
    ("O&M Manual", 8), ("Warranty", 7),
)  # fmt: skip
SUBMITTAL_TYPE_IDS = {name: index + 1 for index, (name, _) in enumerate(SUBMITTAL_TYPES)}
# Approver responses: `considered` is approved|rejected [INFERRED from Procore's response setup].
RESPONSES = {
    "Approved": {"id": 1, "name": "Approved", "considered": "approved"},
    "Approved as Noted": {"id": 2, "name": "Approved as Noted", "considered": "approved"},
    "Revise and Resubmit": {"id": 3, "name": "Revise and Resubmit", "considered": "rejected"},
    "Rejected": {"id": 4, "name": "Rejected", "considered": "rejected"},
}
GROUP_ONE_RESPONSES = (("Approved", 70), ("Approved as Noted", 30))
FINAL_RESPONSES = (
    ("Approved", 45), ("Approved as Noted", 33), ("Revise and Resubmit", 17), ("Rejected", 5),
)  # fmt: skip
SPEC_SECTIONS = (
    ("03300", "Cast-in-Place Concrete"), ("04220", "Concrete Unit Masonry"),
    ("05120", "Structural Steel Framing"), ("07540", "Thermoplastic Membrane Roofing"),
    ("08110", "Hollow Metal Doors and Frames"), ("08440", "Glazed Aluminum Curtain Walls"),
    ("09290", "Gypsum Board"), ("09650", "Resilient Flooring"), ("09910", "Interior Painting"),
    ("14210", "Electric Traction Elevators"), ("21130", "Wet-Pipe Sprinkler Systems"),
    ("22400", "Plumbing Fixtures"), ("23370", "Air Outlets and Inlets"),
    ("26240", "Panelboards"),
)  # fmt: skip
MEETING_SERIES = (
    # (group title, title prefix, weekday, every n weeks, location)
    ("OAC Meetings", "OAC", 1, 2, "Jobsite trailer"),
    ("Subcontractor Coordination", "Coordination", 3, 1, "Jobsite trailer"),
    ("Safety Meetings", "Safety", 0, 4, "Level 1 laydown area"),
)  # fmt: skip
# Procore's reference gives `mode` no values; in_person/virtual are our guess.
MEETING_MODES = (("in_person", 70), ("virtual", 30))
MANPOWER_HOURS = (8.0, 8.0, 8.0, 10.0, 6.0)
MANPOWER_NOTES = (
    "Formwork", "Pour slab", "Rebar placement", "Steel erection", "Rough-in", "Hang board",
    "Tape and finish", "Roofing membrane", "Curtain wall install", "Excavation", "Trim out",
    "Punch list", "Testing and inspection", "",
)  # fmt: skip

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


# -- RFIs ------------------------------------------------------------------------------------


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


def _location(rng: random.Random, project: Record) -> Record:
    level = rng.randrange(len(LOCATIONS))
    return {
        "id": 88_001 + level,
        "name": LOCATIONS[level],
        "node_name": f"{project['name']} > {LOCATIONS[level]}",
        "parent_id": None,
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


# -- Submittals ------------------------------------------------------------------------------


def _submittals(rng: random.Random, company: Company, team: _Team) -> list[Record]:
    """The submittals of one project: each item with all its revisions."""
    project = team.project
    clock = company.clock
    count = rng.randint(*SUBMITTALS_PER_PROJECT[company.scale])
    # Submittals are front-loaded: most are issued in the first months of construction.
    last_issue = team.end - timedelta(days=0 if project["active"] else 120)
    first_issue = team.start + timedelta(days=7)
    sections: dict[str, Record] = {}
    per_section: dict[str, int] = {}
    records: list[Record] = []
    for _ in range(count):
        share = rng.random() ** 1.6
        issued = first_issue + (last_issue - first_issue) * share
        issued = issued.replace(microsecond=0)
        if issued > clock:
            continue
        number, description = rng.choice(SPEC_SECTIONS)
        if number not in sections:
            section_id = company.ids.take("spec_section")
            sections[number] = {
                "id": section_id,
                "number": number,
                "description": description,
                "label": f"{number} - {description}",
                "current_revision_id": section_id + 500_000,
            }
        per_section[number] = per_section.get(number, 0) + 1
        item = _SubmittalItem(
            number=f"{number}-{per_section[number]}",
            section=sections[number],
            kind=weighted(rng, SUBMITTAL_TYPES),
            contractor=rng.choice(team.vendors),
            reviewers=rng.sample(team.reviewers, min(len(team.reviewers), rng.randint(1, 2))),
        )
        created = issued
        revision = 0
        while True:
            # A closed-out project finished every submittal with a final approval.
            force_approval = not project["active"] or revision >= 2
            record, resubmit_at = _submittal(
                rng, company, team, item, revision, created, force_approval
            )
            records.append(record)
            if resubmit_at is None or resubmit_at > clock:
                break
            record["current_revision"] = False
            revision += 1
            created = resubmit_at
    records.sort(key=lambda record: record["id"])
    return records


@dataclass
class _SubmittalItem:
    """What the revisions of one submittal share."""

    number: str
    section: Record
    kind: str
    contractor: Record
    reviewers: list[Record]


def _court(user: Record) -> Record:
    """A ball-in-court entry of a submittal: ``{id, name, initials, vendor}``."""
    return {
        "id": user["id"],
        "name": user["name"],
        "initials": user["initials"],
        "vendor": dict(user["vendor"]) if user["vendor"] else None,
    }


def _submittal(
    rng: random.Random,
    company: Company,
    team: _Team,
    item: _SubmittalItem,
    revision: int,
    created: datetime,
    force_approval: bool,
) -> tuple[Record, datetime | None]:
    """One revision of a submittal, walked through its workflow up to the clock.

    Returns the record and, when the final response asks for a resubmission, the moment the
    next revision is created. Workflow: issued to the subcontractor, received back, then
    group 1 (the GC's manager) and group 2 (the design team) each review from a sent date to
    a returned date; after the last group the submittal is distributed and closed.
    """
    clock = company.clock
    project = team.project
    is_draft = project["active"] and created > clock - timedelta(days=14) and rng.random() < 0.35
    submitter = (team.staff_of.get(item.contractor["id"]) or team.field_staff)[0]
    groups = [[team.manager], item.reviewers]
    approvers = []
    for group_number, group in enumerate(groups, start=1):
        for user in group:
            approvers.append(
                {
                    "id": company.ids.take("submittal_approver"),
                    "approver_type": "Approver",
                    "user": short_ref(user),
                    "response": None,
                    "due_date": None,
                    "sent_date": None,
                    "returned_date": None,
                    "comment": None,
                    "response_required": True,
                    "workflow_group_number": group_number,
                    "associated_attachments": [],
                }
            )
    issue = None if is_draft else created + timedelta(hours=rng.uniform(0, 30))
    submit_by = (created + timedelta(days=rng.randint(7, 21))).date()
    received = None
    last_event = created
    ball: list[Record] = []
    status = DRAFT
    distributed_at = None
    resubmit_at = None
    final_name = None
    if issue is not None:
        last_event = issue = min(issue, clock)
        status = PENDING
        ball = [submitter]
        received_at = issue + timedelta(days=rng.uniform(1, 18))
        if received_at <= clock:
            received = received_at
            last_event = received
            status = OPEN
            sent = received
            for group_number in (1, 2):
                rows = [row for row in approvers if row["workflow_group_number"] == group_number]
                returned_times = []
                for row in rows:
                    row["sent_date"] = sent.date().isoformat()
                    row["due_date"] = _working_days(sent.date(), 5 * group_number).isoformat()
                    back = sent + timedelta(days=min(rng.lognormvariate(math.log(5), 0.6), 45))
                    if back > clock:
                        continue
                    if group_number == 1:
                        name = weighted(rng, GROUP_ONE_RESPONSES)
                    else:
                        name = "Approved" if force_approval else weighted(rng, FINAL_RESPONSES)
                        final_name = name if final_name is None else final_name
                    row["returned_date"] = back.date().isoformat()
                    row["response"] = dict(RESPONSES[name])
                    row["comment"] = None if rng.random() < 0.6 else f"{name}; see markups."
                    returned_times.append(back)
                if len(returned_times) < len(rows):
                    ball = [
                        team.people[row["user"]["id"]]
                        for row in rows
                        if row["returned_date"] is None
                    ]
                    last_event = max([sent, *returned_times])
                    break
                sent = max(returned_times)
                last_event = sent
            else:
                ball = [team.manager]
                distribute = sent + timedelta(days=rng.uniform(0.1, 4))
                if distribute <= clock:
                    distributed_at = distribute.replace(microsecond=0)
                    last_event = distributed_at
                    status = CLOSED
                    ball = []
                    if final_name in ("Revise and Resubmit", "Rejected"):
                        resubmit_at = distributed_at + timedelta(days=rng.uniform(3, 20))
    due = None
    if received is not None:
        due = _working_days(received.date(), 15)
    updated = quick_between(rng, last_event, min(clock, last_event + timedelta(hours=6)))
    manager = short_ref(team.manager)
    record = {
        "_project_id": project["id"],
        "id": company.ids.take("submittal"),
        "number": item.number,
        "formatted_number": item.number,
        "revision": str(revision),
        "title": f"{item.section['description']} {item.kind}",
        "description": "",
        "private": False,
        "current_revision": True,
        "status": dict(status),
        "type": {"id": SUBMITTAL_TYPE_IDS[item.kind], "name": item.kind},
        "specification_section": dict(item.section),
        "submittal_package": None,
        "responsible_contractor": {"id": item.contractor["id"], "name": item.contractor["name"]},
        "received_from": short_ref(submitter),
        "submittal_manager": manager,
        "created_by": dict(manager),
        "ball_in_court": [_court(user) for user in ball],
        "approvers": approvers,
        "distribution_members": [],
        "last_distributed_submittal": None,
        "associated_attachments": [],
        "due_date": due.isoformat() if due else None,
        "submit_by": submit_by.isoformat(),
        "issue_date": issue.date().isoformat() if issue else None,
        "received_date": received.date().isoformat() if received else None,
        "distributed_at": None,
        "cost_code_id": rng.choice(team.cost_codes)[0] if team.cost_codes else None,
        "location_id": None,
        "sub_job_id": None,
        "drawing_ids": [],
        "linked_drawing_ids": [],
        "custom_fields": {},
        "created_at": timestamp(created),
        "updated_at": timestamp(updated),
    }
    if distributed_at is not None:
        _distribute(company, team, record, item, distributed_at)
    return record, resubmit_at


def _distribute(
    company: Company, team: _Team, record: Record, item: _SubmittalItem, when: datetime
) -> None:
    """Close a submittal by distributing its final responses to the team."""
    members = [short_ref(team.manager), short_ref(item.contractor)]
    record["status"] = dict(CLOSED)
    record["ball_in_court"] = []
    record["distributed_at"] = timestamp(when)
    record["distribution_members"] = members
    record["last_distributed_submittal"] = {
        "id": company.ids.take("distribution"),
        "distributed_attachments": [],
        "distributed_responses": [],
        "distributed_by": short_ref(team.manager),
        "distributed_to": [dict(member) for member in members],
        "message": "Please see the attached reviewed submittal.",
        "sent_at": timestamp(when),
    }


# -- Meetings --------------------------------------------------------------------------------


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


# -- Daily logs ------------------------------------------------------------------------------


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


# -- advance ---------------------------------------------------------------------------------


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
        for log in logs:
            if log["status"] == "pending" and parse_timestamp(
                log["created_at"]
            ) < clock - timedelta(days=7):
                log["status"] = "approved"
                log["permissions"] = {"can_update": False, "can_delete": False}
                log["updated_at"] = _stamp(rng, since, clock)
        new_logs, new_headers = _daily_logs(
            rng, company, team, since, clock, since=since, skip=logged
        )
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


def _stamp(rng: random.Random, since: datetime, clock: datetime) -> str:
    """A timestamp strictly after ``since`` and not after ``clock``."""
    return timestamp(_moment(rng, since, clock))


def _moment(rng: random.Random, since: datetime, clock: datetime) -> datetime:
    return quick_between(rng, since + ONE_SECOND, clock)


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


def _advance_submittals(
    rng: random.Random,
    company: Company,
    team: _Team,
    submittals: list[Record],
    since: datetime,
    days: float,
) -> list[Record]:
    """Move current submittal revisions one workflow step or more; return new records."""
    clock = company.clock
    step_chance = 1 - math.exp(-days / 6)
    created: list[Record] = []
    for record in submittals:
        if not record["current_revision"] or record["status"]["id"] == CLOSED["id"]:
            continue
        if rng.random() >= step_chance:
            continue
        when = _moment(rng, since, clock)
        today = when.date().isoformat()
        status_id = record["status"]["id"]
        if status_id == DRAFT["id"]:
            submitter = team.people[record["received_from"]["id"]]
            record.update(status=dict(PENDING), issue_date=today)
            record["ball_in_court"] = [_court(submitter)]
        elif status_id == PENDING["id"]:
            record.update(status=dict(OPEN), received_date=today)
            record["due_date"] = _working_days(when.date(), 15).isoformat()
            _send_group(record, 1, when.date())
            record["ball_in_court"] = _pending_court(team, record)
        else:
            pending = [
                row for row in record["approvers"] if row["sent_date"] and not row["returned_date"]
            ]
            if pending:
                for row in pending:
                    final = row["workflow_group_number"] == 2
                    name = weighted(rng, FINAL_RESPONSES) if final else "Approved"
                    row["returned_date"] = today
                    row["response"] = dict(RESPONSES[name])
                group = pending[0]["workflow_group_number"]
                if group == 1:
                    _send_group(record, 2, when.date())
                record["ball_in_court"] = _pending_court(team, record) or [_court(team.manager)]
            else:
                item = _SubmittalItem(
                    number=record["number"],
                    section=record["specification_section"],
                    kind=record["type"]["name"],
                    contractor=record["responsible_contractor"],
                    reviewers=[],
                )
                _distribute(company, team, record, item, when)
                finals = [
                    row["response"]["name"]
                    for row in record["approvers"]
                    if row["workflow_group_number"] == 2 and row["response"]
                ]
                if finals and RESPONSES[finals[0]]["considered"] == "rejected":
                    record["current_revision"] = False
                    created.append(_resubmission(rng, company, team, record, when, clock))
        record["updated_at"] = timestamp(when)
    # New submittals: a few per month on an active project.
    for _ in range(sum(rng.random() < days / 30 for _ in range(2))):
        when = _moment(rng, since, clock)
        section_number, description = rng.choice(SPEC_SECTIONS)
        same = [
            row for row in submittals if row["specification_section"]["number"] == section_number
        ]
        section = (
            dict(same[0]["specification_section"])
            if same
            else {
                "id": company.ids.take("spec_section"),
                "number": section_number,
                "description": description,
                "label": f"{section_number} - {description}",
                "current_revision_id": 0,
            }
        )
        if not same:
            section["current_revision_id"] = section["id"] + 500_000
        numbers = {row["number"] for row in submittals}
        k = 1
        while f"{section_number}-{k}" in numbers:
            k += 1
        item = _SubmittalItem(
            number=f"{section_number}-{k}",
            section=section,
            kind=weighted(rng, SUBMITTAL_TYPES),
            contractor=rng.choice(team.vendors),
            reviewers=rng.sample(team.reviewers, min(len(team.reviewers), rng.randint(1, 2))),
        )
        record, _ = _submittal(rng, company, team, item, 0, when, force_approval=False)
        record["updated_at"] = timestamp(max(parse_timestamp(record["updated_at"]), when))
        submittals.append(record)
        created.append(record)
    return created


def _send_group(record: Record, group: int, day: date) -> None:
    for row in record["approvers"]:
        if row["workflow_group_number"] == group:
            row["sent_date"] = day.isoformat()
            row["due_date"] = _working_days(day, 5 * group).isoformat()


def _pending_court(team: _Team, record: Record) -> list[Record]:
    return [
        _court(team.people[row["user"]["id"]])
        for row in record["approvers"]
        if row["sent_date"] and not row["returned_date"]
    ]


def _resubmission(
    rng: random.Random,
    company: Company,
    team: _Team,
    previous: Record,
    when: datetime,
    clock: datetime,
) -> Record:
    """The next revision of a submittal sent back for resubmission.

    It is issued, awaits the subcontractor, and has fresh (unsent) approver rows.
    """
    created = quick_between(rng, when, clock)
    approvers = []
    for row in previous["approvers"]:
        approvers.append(
            {
                **row,
                "id": company.ids.take("submittal_approver"),
                "user": dict(row["user"]),
                "response": None,
                "due_date": None,
                "sent_date": None,
                "returned_date": None,
                "comment": None,
                "associated_attachments": [],
            }
        )
    submitter = team.people[previous["received_from"]["id"]]
    return {
        **previous,
        "id": company.ids.take("submittal"),
        "revision": str(int(previous["revision"]) + 1),
        "current_revision": True,
        "status": dict(PENDING),
        "type": dict(previous["type"]),
        "specification_section": dict(previous["specification_section"]),
        "responsible_contractor": dict(previous["responsible_contractor"]),
        "received_from": dict(previous["received_from"]),
        "submittal_manager": dict(previous["submittal_manager"]),
        "created_by": dict(previous["created_by"]),
        "ball_in_court": [_court(submitter)],
        "approvers": approvers,
        "distribution_members": [],
        "last_distributed_submittal": None,
        "associated_attachments": [],
        "due_date": None,
        "issue_date": created.date().isoformat(),
        "received_date": None,
        "distributed_at": None,
        "drawing_ids": [],
        "linked_drawing_ids": [],
        "custom_fields": {},
        "created_at": timestamp(created),
        "updated_at": timestamp(created),
    }


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
