"""A deterministic generator of one construction company, shaped like Procore's REST API.

The company, its people and its projects are made here; each domain module in
``sandbox/domain`` then adds its records (RFIs, ...). The same ``seed``, ``scale`` and
``clock`` always produce the same company, byte for byte once serialised: every domain draws
from its own random stream, so adding records to one domain never changes another's.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .domain.common import (
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    TRADES,
    VENDOR_SUFFIXES,
    Company,
    Ids,
    Record,
    add_working_days,
    between,
    timestamp,
)
from .domain.financials import advance_financials, generate_financials
from .domain.people import add_directory, complete_users, complete_vendors
from .domain.project_management import (
    advance_project_management,
    generate_project_management,
)

__all__ = [
    "SCALES",
    "Company",
    "Scale",
    "add_working_days",
    "advance",
    "default_clock",
    "generate_company",
]

GenerateDomain = Callable[[Company, random.Random], None]
AdvanceDomain = Callable[[Company, random.Random, datetime], None]

# The domains, in generation order: a later domain may refer to an earlier one's records
# (an RFI names one of its project's cost codes). Each draws from its own random stream.
DOMAINS: list[tuple[str, GenerateDomain, AdvanceDomain | None]] = [
    ("financials", generate_financials, advance_financials),
    ("project_management", generate_project_management, advance_project_management),
]


@dataclass(frozen=True)
class Scale:
    """How big a generated company is; each domain sizes its own records per scale name."""

    projects: int
    users: int
    vendors: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(projects=2, users=12, vendors=8),
    "small": Scale(projects=3, users=30, vendors=16),
    "medium": Scale(projects=25, users=120, vendors=60),
    "large": Scale(projects=220, users=600, vendors=300),
}

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
STREETS = ("First", "Main", "Oak", "Pine", "Market")


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
    rng = random.Random(f"{seed}:company")
    size = SCALES[scale]
    ids = Ids({"company": 8_089, "project": 337_195, "user": 3_141, "vendor": 5_501})

    company_id = ids.take("company")
    company_name = "WVF Vortex Builders"
    company_record: Record = {
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

    projects = [
        _project(rng, ids, index, clock, founded, company_ref, managers)
        for index in range(size.projects)
    ]
    # The full directory records (vendors, users) draw from their own stream, so that the names
    # above, and therefore the projects and RFIs, stay what they were.
    people = random.Random(f"{seed}:people")
    base_roles = {"managers": managers, "reviewers": reviewers, "field_staff": field_staff}
    vendors = complete_vendors(people, vendors, founded, clock)
    users = complete_users(people, users, base_roles, vendors, founded, clock)
    by_id = {user["id"]: user for user in users}
    managers, reviewers, field_staff = (
        [by_id[user["id"]] for user in group] for group in (managers, reviewers, field_staff)
    )
    company = Company(
        seed=seed,
        scale=scale,
        clock=clock,
        company=company_record,
        users=users,
        vendors=vendors,
        projects=projects,
        ids=ids,
        roles={"managers": managers, "reviewers": reviewers, "field_staff": field_staff},
        records={"companies": [company_record], "projects": projects},
    )
    add_directory(company, people)
    # A million acyclic dicts at the large scale: the cyclic garbage collector would walk them
    # again and again while they are made (it doubled the generation time), and reference
    # counting alone frees them, so it pauses until the company is complete. Then they are
    # frozen out of its later walks: a full walk of the large company takes seconds, during
    # which a server in this process answers nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for name, generate_domain, _ in DOMAINS:
            generate_domain(company, random.Random(f"{seed}:{name}"))
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return company


def advance(company: Company, days: float) -> None:
    """Move the company's clock forward and let every domain live through the time.

    Each domain's ``advance`` changes what would change in that time (RFIs answered and
    closed, new records, some soft- and some hard-deleted), stamping ``updated_at`` between
    the old and the new clock, so an incremental loader sees exactly those changes.
    """
    if days <= 0:
        raise ValueError("advance() takes a positive number of days")
    since = company.clock
    company.clock = since + timedelta(days=days)
    for name, _, advance_domain in DOMAINS:
        if advance_domain is not None:
            stream = random.Random(f"{company.seed}:{name}:advance:{timestamp(company.clock)}")
            advance_domain(company, stream, since)
    company.invalidate()


def _project(
    rng: random.Random,
    ids: Ids,
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
    # default "active projects only" listing differs from the full one.
    closed_out = index % 4 == 2
    if closed_out:
        start = (clock - timedelta(days=rng.randint(900, 1400))).date()
        completion = start + timedelta(days=rng.randint(420, 640))
    else:
        start = (clock - timedelta(days=rng.randint(120, 700))).date()
        completion = start + timedelta(days=rng.randint(540, 900))
    stage = "Closed" if closed_out else "Course of Construction"
    created = between(rng, founded, datetime.combine(start, datetime.min.time(), UTC))
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
        "created_at": timestamp(created),
        "updated_at": timestamp(between(rng, created, clock)),
        # Not part of the API payload: how many working days an RFI gets to be answered.
        "_rfi_due_working_days": rng.choice((5, 7, 10)),
    }
