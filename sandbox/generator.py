"""A deterministic generator of one construction company, shaped like Procore's REST API.

Every record is a plain ``dict`` whose keys, nesting and JSON types follow
``reference/procore-rest-api.md`` §8 (projects §8.2, companies §8.1, RFIs §8.12), so the
sandbox server can serialise it unchanged. The same ``seed``, ``scale`` and ``clock`` always
produce the same company, byte for byte once serialised.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Scale:
    """How big a generated company is."""

    projects: int
    rfis_per_project: tuple[int, int]
    users: int
    vendors: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(projects=2, rfis_per_project=(8, 12), users=12, vendors=8),
    "small": Scale(projects=3, rfis_per_project=(40, 70), users=30, vendors=16),
    "medium": Scale(projects=25, rfis_per_project=(80, 160), users=120, vendors=60),
    "large": Scale(projects=220, rfis_per_project=(150, 450), users=600, vendors=300),
}

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
PROJECT_KINDS = (
    ("Business Center", "Commercial", "new_construction"),
    ("Medical Office", "Healthcare", "new_construction"),
    ("Elementary School", "Education", "renovation"),
    ("Distribution Warehouse", "Industrial", "new_construction"),
    ("Apartments", "Residential", "new_construction"),
    ("Parking Structure", "Infrastructure", "new_construction"),
    ("Library Renovation", "Public", "renovation"),
)  # fmt: skip
PROJECT_NAME_PREFIXES = (
    "Vortex", "Harbor", "Summit", "Riverside", "Cedar", "Granite", "Maple", "Beacon", "Pioneer",
    "Lakeside", "Aspen", "Union",
)  # fmt: skip
DELIVERY_METHODS = ("design_bid_build", "design_build", "construction_manager_at_risk")
# CSI MasterFormat divisions with a typical cost code under each (code, division name, name).
COST_CODES = (
    ("01-010", "General Requirements", "Project Manager"),
    ("03-300", "Concrete", "Cast-in-place Concrete"),
    ("04-200", "Masonry", "Unit Masonry"),
    ("05-100", "Metals", "Structural Steel"),
    ("07-500", "Thermal and Moisture Protection", "Membrane Roofing"),
    ("08-400", "Openings", "Entrances and Storefronts"),
    ("09-200", "Finishes", "Plaster and Gypsum Board"),
    ("21-100", "Fire Suppression", "Water-Based Fire Suppression"),
    ("22-100", "Plumbing", "Plumbing Piping"),
    ("23-300", "HVAC", "HVAC Air Distribution"),
    ("26-050", "Electrical", "Common Work Results for Electrical"),
    ("31-200", "Earthwork", "Earth Moving"),
)  # fmt: skip
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
STREETS = ("First", "Main", "Oak", "Pine", "Market")
LOCATIONS = ("Level 1", "Level 2", "Level 3", "Roof", "Site", "Basement")

# Id ranges per object type. RFIs start above 2**32 on purpose: Procore may issue 64-bit ids
# (§1.5) and a loader that stores them in a 32-bit column must fail in our tests, not in production.
ID_BASES = {
    "company": 8_089,
    "project": 337_195,
    "user": 3_141,
    "vendor": 5_501,
    "cost_code": 124_663_040,
    "location": 88_001,
    "rfi": 4_294_968_001,
    "rfi_question": 2_001,
}


def _timestamp(moment: datetime) -> str:
    """Render a UTC instant the way Procore does: ``YYYY-MM-DDTHH:MM:SSZ`` (§5.2)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_working_days(start: date, days: int) -> date:
    """Return the date ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@dataclass
class Company:
    """One generated construction company and everything it owns."""

    seed: int
    scale: str
    clock: datetime
    company: Record
    users: list[Record]
    vendors: list[Record]
    projects: list[Record]
    rfis_by_project: dict[int, list[Record]] = field(default_factory=dict)

    @property
    def company_id(self) -> int:
        """The id of the generated company."""
        return int(self.company["id"])

    def all_rfis(self) -> list[Record]:
        """Every RFI of every project, in project then id order."""
        return [rfi for project in self.projects for rfi in self.rfis_by_project[project["id"]]]


class _Ids:
    """Hands out increasing ids per object type, starting from ``ID_BASES``."""

    def __init__(self) -> None:
        self._next = dict(ID_BASES)

    def take(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random instant between two instants, on a whole second."""
    if end <= start:
        return start
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, span))


def _user_ref(user: Record) -> Record:
    return {"id": user["id"], "login": user["login"], "name": user["name"]}


def default_clock() -> datetime:
    """The sandbox clock when none is given: now, in UTC, on a whole second."""
    return datetime.now(UTC).replace(microsecond=0)


def generate_company(
    seed: int = 42, scale: str = "small", clock: datetime | None = None
) -> Company:
    """Generate one construction company.

    Args:
        seed: Seed of the random generator; the same seed gives the same company.
        scale: One of ``SCALES`` (``tiny``, ``small``, ``medium``, ``large``).
        clock: The company's "now". Nothing in the company happens after it. Defaults to the
            current time, so that RFI ages look real in the demo; tests pass a fixed clock.

    Returns:
        The generated ``Company``.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    clock = (clock or default_clock()).astimezone(UTC).replace(microsecond=0)
    rng = random.Random(seed)
    size = SCALES[scale]
    ids = _Ids()

    company_id = ids.take("company")
    company_name = "WVF Vortex Builders"
    company: Record = {
        "id": company_id,
        "name": company_name,
        "is_active": True,
        "logo_url": None,
        "pcn_business_experience": False,
        "my_company": True,
    }
    company_ref = {"id": company_id, "name": company_name}
    founded = clock - timedelta(days=365 * 6)

    users = []
    for _ in range(size.users):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user_id = ids.take("user")
        users.append(
            {
                "id": user_id,
                "name": f"{first} {last}",
                "login": f"{first}.{last}.{user_id}@example.com".lower(),
            }
        )

    vendors = []
    for index in range(size.vendors):
        trade = TRADES[index % len(TRADES)]
        vendors.append(
            {
                "id": ids.take("vendor"),
                "name": f"{rng.choice(LAST_NAMES)} {trade} {rng.choice(VENDOR_SUFFIXES)}",
            }
        )

    # Roles: the first users manage projects, the next ones are design-team reviewers
    # (RFI assignees), the rest are subcontractor contacts who raise questions.
    managers = users[: max(2, size.users // 6)]
    reviewers = users[len(managers) : len(managers) + max(2, size.users // 5)]
    field_staff = users[len(managers) + len(reviewers) :] or managers

    projects: list[Record] = []
    rfis_by_project: dict[int, list[Record]] = {}
    for index in range(size.projects):
        project = _project(rng, ids, index, clock, founded, company_ref, managers)
        projects.append(project)
        rfis_by_project[project["id"]] = _rfis(
            rng,
            ids,
            project,
            clock,
            size.rfis_per_project,
            {"managers": managers, "reviewers": reviewers, "field_staff": field_staff},
            vendors,
        )

    return Company(
        seed=seed,
        scale=scale,
        clock=clock,
        company=company,
        users=users,
        vendors=vendors,
        projects=projects,
        rfis_by_project=rfis_by_project,
    )


def _project(
    rng: random.Random,
    ids: _Ids,
    index: int,
    clock: datetime,
    founded: datetime,
    company_ref: Record,
    managers: list[Record],
) -> Record:
    project_id = ids.take("project")
    kind, sector, work_scope = PROJECT_KINDS[index % len(PROJECT_KINDS)]
    prefix = PROJECT_NAME_PREFIXES[(index * 7 + rng.randrange(3)) % len(PROJECT_NAME_PREFIXES)]
    name = f"{prefix} {kind}" if index < len(PROJECT_NAME_PREFIXES) else f"{prefix} {kind} {index}"
    number = f"{index + 1:03d}"
    city, state, zip_code, time_zone, lat, lon = CITIES[index % len(CITIES)]
    # Every fourth project (the third, seventh, ...) is finished and closed out, so that the
    # default "active projects only" listing (§8.2) differs from the full one.
    closed_out = index % 4 == 2
    if closed_out:
        start = (clock - timedelta(days=rng.randint(900, 1400))).date()
        completion = start + timedelta(days=rng.randint(420, 640))
    else:
        start = (clock - timedelta(days=rng.randint(120, 700))).date()
        completion = start + timedelta(days=rng.randint(540, 900))
    stage = "Closed" if closed_out else "Course of Construction"
    created = _between(rng, founded, datetime.combine(start, datetime.min.time(), UTC))
    value = rng.randrange(4_000_000, 60_000_000, 1_000)
    creator = rng.choice(managers)
    return {
        "id": project_id,
        "name": name,
        "display_name": f"{number} - {name}",
        "project_number": number,
        "address": f"{rng.randint(100, 9999)} {rng.choice(STREETS)} Street",
        "city": city,
        "state_code": state,
        "country_code": "US",
        "zip": zip_code,
        "county": None,
        "time_zone": time_zone,
        "latitude": round(lat + rng.uniform(-0.05, 0.05), 4),
        "longitude": round(lon + rng.uniform(-0.05, 0.05), 4),
        "stage": stage,
        "project_stage": {"id": 5 if closed_out else 3, "name": stage},
        "project_template": None,
        "phone": "",
        "fax": None,
        "active": not closed_out,
        "is_demo": False,
        "parent_job_id": None,
        "parent_job": None,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "owners_project_id": None,
        "total_value": f"{value:.1f}",
        "estimated_value": None,
        "estimated_budget": None,
        "store_number": None,
        "accounting_project_number": f"J-{project_id}",
        "designated_market_area": None,
        "project_region_id": None,
        "project_bid_type_id": None,
        "project_owner_type_id": None,
        "photo_id": None,
        "start_date": start.isoformat(),
        "completion_date": completion.isoformat(),
        "projected_finish_date": completion.isoformat(),
        "sector": sector,
        "work_scope": work_scope,
        "delivery_method": DELIVERY_METHODS[index % len(DELIVERY_METHODS)],
        "priority": rng.choice(("low", "medium", "high")),
        "company": dict(company_ref),
        "created_by": {"id": creator["id"], "name": creator["name"], "login": creator["login"]},
        "custom_fields": {},
        "project_sector_id": None,
        "created_at": _timestamp(created),
        "updated_at": _timestamp(_between(rng, created, clock)),
        # Not part of the API payload: how many working days an RFI gets to be answered.
        "_rfi_due_working_days": rng.choice((5, 7, 10)),
    }


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
    status = _weighted(rng, IMPACT_STATUSES)
    if status != "yes_known":
        return {"status": status, "value": None}
    if unit == "money":
        return {"status": status, "value": float(rng.randrange(500, 80_000, 50))}
    return {"status": status, "value": rng.randint(1, 15)}


def _rfis(
    rng: random.Random,
    ids: _Ids,
    project: Record,
    clock: datetime,
    per_project: tuple[int, int],
    people: dict[str, list[Record]],
    vendors: list[Record],
) -> list[Record]:
    """The RFIs of one project, numbered from 1 in the order they were created (§8.12)."""
    start = datetime.combine(date.fromisoformat(project["start_date"]), datetime.min.time(), UTC)
    end = min(
        clock,
        datetime.combine(date.fromisoformat(project["completion_date"]), datetime.min.time(), UTC),
    )
    project_active = bool(project["active"])
    manager = rng.choice(people["managers"])
    cost_codes = [
        {"id": ID_BASES["cost_code"] + position, "name": name}
        for position, (_, _, name) in enumerate(COST_CODES)
    ]
    count = rng.randint(*per_project)
    created_times = sorted(_between(rng, start + timedelta(days=14), end) for _ in range(count))
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
                resolved = _between(rng, initiated, end)
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
        updated = _between(rng, last_event, min(clock, last_event + timedelta(days=3)))
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
                "id": ID_BASES["location"] + level,
                "name": LOCATIONS[level],
                "node_name": f"{project['name']} > {LOCATIONS[level]}",
                "parent_id": None,
            }
        rfis.append(
            {
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
                "initiated_at": _timestamp(initiated) if initiated else None,
                "time_resolved": _timestamp(resolved) if resolved else None,
                "link": f"https://app.procore.com/{project['id']}/project/rfi/show/{rfi_id}",
                "location_id": location["id"] if location else None,
                "location": location,
                "assignee": _user_ref(assignee),
                "assignees": [{**_user_ref(assignee), "locale": "en", "response_required": True}],
                "ball_in_court": _user_ref(ball[0]) if ball else None,
                "ball_in_courts": [_user_ref(person) for person in ball],
                "rfi_manager": _user_ref(manager),
                "received_from": _user_ref(raised_by),
                "created_by": _user_ref(manager),
                "responsible_contractor": {"id": contractor["id"], "name": contractor["name"]},
                "cost_code": rng.choice(cost_codes),
                "sub_job": None,
                "project_stage": dict(project["project_stage"]),
                "cost_impact": _impact(rng, "money"),
                "schedule_impact": _impact(rng, "days"),
                "questions": [{"id": ids.take("rfi_question"), "body": f"{topic}. Please advise."}],
                "custom_fields": {},
                "deleted": False,
                "deleted_at": None,
                "created_at": _timestamp(created),
                "updated_at": _timestamp(updated),
            }
        )
    return rfis
