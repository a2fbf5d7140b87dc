"""The Submittals tool: submittals with their revisions and approver workflow.

Each submittal is issued to its subcontractor, received back, reviewed by two approver
groups and distributed; a rejected one is resubmitted as the next revision.
``_advance_submittals`` moves current revisions on through that workflow.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..common import Company, Record, parse_timestamp, quick_between, short_ref, timestamp, weighted
from .context import _moment, _Team, _working_days

SUBMITTALS_PER_PROJECT = {
    "tiny": (6, 10),
    "small": (25, 45),
    "medium": (60, 120),
    "large": (120, 260),
}
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
