"""The company directory: users, vendors, project teams and the slim project list.

Users, vendors, who works on which project, and the slim company project list
(docs/procore-api.md#users-and-vendors and docs/procore-api.md#companies-and-projects).

``generate_company`` draws the user and vendor *names* from the company stream (so projects and
RFIs do not move when the directory gains fields); everything else here draws from the
directory's own stream. The records in ``company.users`` / ``company.vendors`` are the very
objects served as ``company_users`` / ``vendors``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .common import CITIES, TRADES, Company, Record, between, timestamp

# Permission templates (`permission_template{id,name,project_specific,type}`); the type enum
# in the OAS is company_tools | global | project_specific.
PERMISSION_TEMPLATES = {
    "managers": {"id": 12, "name": "Project Manager", "project_specific": False, "type": "global"},
    "reviewers": {"id": 14, "name": "Design Team", "project_specific": False, "type": "global"},
    "field_staff": {"id": 16, "name": "Subcontractor", "project_specific": False, "type": "global"},
}
COMPANY_TEMPLATE = {
    "id": 3,
    "name": "Company Employee",
    "project_specific": False,
    "type": "company_tools",
}
JOB_TITLES = {
    "managers": ("Project Manager", "Senior Project Manager", "Superintendent", "Project Engineer"),
    "reviewers": ("Architect", "Structural Engineer", "MEP Engineer", "Civil Engineer"),
    "field_staff": ("Foreman", "Project Manager", "Estimator", "Superintendent", "Owner"),
}
STREETS = ("Mill Rd", "Industrial Way", "Commerce Dr", "Harbor Blvd", "Elm St", "Canyon Rd")

# How many vendors and users of each role work on one project, per scale.
PROJECT_VENDORS = {"tiny": (5, 8), "small": (8, 14), "medium": (12, 20), "large": (14, 26)}
PROJECT_MANAGERS = (1, 2)
PROJECT_REVIEWERS = (2, 4)


def _phone(rng: random.Random) -> str:
    return f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()).upper()


def complete_users(
    rng: random.Random,
    base: list[Record],
    roles: dict[str, list[Record]],
    vendors: list[Record],
    founded: datetime,
    clock: datetime,
) -> list[Record]:
    """The company users, built from ``{id, name, login}`` base records in order.

    ``login`` is not in the list shape; it is kept because user references elsewhere in the
    API are ``{id, login, name}`` and the sandbox derives them from these records.
    Employees of the general contractor and the design team carry ``vendor: null``: neither
    firm is in the generated vendor directory [INFERRED: Procore would point them at their own
    directory company]. Subcontractor staff belong to one vendor each, round-robin.
    """
    role_of: dict[int, str] = {}
    for role, people in roles.items():
        for user in people:
            role_of.setdefault(user["id"], role)
    users = []
    staff_index = 0
    for user in base:
        role = role_of[user["id"]]
        first, last = user["name"].split(" ", 1)
        vendor = None
        if role == "field_staff" and vendors:
            vendor = vendors[staff_index % len(vendors)]
            staff_index += 1
        city, state, zip_code, *_ = rng.choice(CITIES)
        created = between(rng, founded, clock - timedelta(days=30))
        activated = between(rng, created, created + timedelta(days=3))
        last_login = between(rng, max(activated, clock - timedelta(days=20)), clock)
        employee = role == "managers"
        users.append(
            {
                "id": user["id"],
                "login": user["login"],
                "name": user["name"],
                "first_name": first,
                "last_name": last,
                "initials": _initials(user["name"]),
                "email_address": user["login"],
                "job_title": rng.choice(JOB_TITLES[role]),
                "address": f"{rng.randint(10, 999)} {rng.choice(STREETS)}",
                "city": city,
                "state_code": state,
                "zip": zip_code,
                "country_code": "US",
                "business_phone": _phone(rng),
                "business_phone_extension": rng.randint(100, 999) if rng.random() < 0.2 else None,
                "mobile_phone": _phone(rng) if rng.random() < 0.7 else None,
                "fax_number": None,
                "is_active": True,  # the list serves active users only
                "is_employee": employee,
                "employee_id": f"E-{user['id']}" if employee else None,
                "erp_integrated_accountant": False,
                "contact_id": user["id"] + 700_000,
                "avatar": None,
                "business_id": None,
                "notes": None,
                "email_signature": None,
                "last_login_at": timestamp(last_login),
                "last_activated_at": timestamp(activated),
                "welcome_email_sent_at": timestamp(created),
                "origin_id": None,
                "origin_data": None,
                "work_classification_id": None,
                "permission_template": dict(PERMISSION_TEMPLATES[role]),
                "company_permission_template": dict(COMPANY_TEMPLATE) if employee else None,
                "vendor": {"id": vendor["id"], "name": vendor["name"]} if vendor else None,
                "created_at": timestamp(created),
                "updated_at": timestamp(between(rng, activated, last_login)),
                "_vendor_id": vendor["id"] if vendor else None,
            }
        )
    return users


def complete_vendors(
    rng: random.Random, base: list[Record], founded: datetime, clock: datetime
) -> list[Record]:
    """The extended-view vendors, built from ``{id, name}`` base records in order.

    ``project_ids`` is filled in by ``add_directory`` once projects are staffed.
    """
    vendors = []
    for index, vendor in enumerate(base):
        trade_index = index % len(TRADES)
        name = vendor["name"]
        city, state, zip_code, *_ = rng.choice(CITIES)
        created = between(rng, founded, clock - timedelta(days=60))
        updated = between(rng, created, clock)
        domain = name.split()[0].lower()
        synced = rng.random() < 0.6
        contact_created = between(rng, created, updated)
        vendors.append(
            {
                "id": vendor["id"],
                "name": name,
                "abbreviated_name": _initials(name)[:4],
                "legal_name": name,
                "trade_name": None,
                "company": name,
                "address": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                "city": city,
                "state_code": state,
                "zip": zip_code,
                "country_code": "US",
                "business_phone": _phone(rng),
                "mobile_phone": None,
                "fax_number": None,
                "email_address": f"office@{domain}{vendor['id']}.example",
                "website": None,
                "logo": None,
                "notes": None,
                "business_id": None,
                "license_number": f"LIC-{rng.randint(100000, 999999)}",
                "labor_union": None,
                "is_active": True,
                "is_connected": False,
                "authorized_bidder": rng.random() < 0.8,
                "prequalified": rng.random() < 0.5,
                "union_member": rng.random() < 0.3,
                "non_union_prevailing_wage": False,
                "synced_to_erp": synced,
                "company_vendor": True,
                "contact_count": 0,
                "children_count": 0,
                "origin_id": f"ERP-V-{vendor['id']}" if synced else None,
                "origin_code": f"V{vendor['id']}" if synced else None,
                "origin_data": None,
                "business_register": None,
                "primary_contact": {
                    "id": vendor["id"] + 900_000,
                    "first_name": "Accounts",
                    "last_name": "Receivable",
                    "business_phone": None,
                    "business_phone_extension": None,
                    "fax_number": None,
                    "mobile_phone": None,
                    "email_address": f"ar@{domain}{vendor['id']}.example",
                    "created_at": timestamp(contact_created),
                    "updated_at": timestamp(contact_created),
                },
                "vendor_group": None,
                "parent": {"id": vendor["id"], "name": name},
                "trades": [
                    {
                        "id": trade_index + 1,
                        "name": TRADES[trade_index],
                        "active": True,
                        "updated_at": timestamp(founded),
                    }
                ],
                "bidding": {key: rng.random() < 0.08 for key in BIDDING_FLAGS},
                "bidding_distribution": [],
                "project_ids": [],
                "standard_cost_codes": [],
                "attachments": [],
                "created_at": timestamp(created),
                "updated_at": timestamp(updated),
            }
        )
    return vendors


# The 13 `bidding` booleans of the extended vendor view (names from the OAS model).
BIDDING_FLAGS = (
    "affirmative_action", "small_business", "african_american_business", "hispanic_business",
    "womens_business", "historically_underutilized_business", "sdvo_business",
    "certified_business_enterprise", "asian_american_business", "native_american_business",
    "disadvantaged_business", "minority_business_enterprise", "eight_a_business",
)  # fmt: skip


def add_directory(company: Company, rng: random.Random) -> None:
    """Staff every project and add the directory resources to ``company``.

    Adds ``company_users``, ``vendors`` (the company's own lists), ``project_users``,
    ``project_vendors`` (copies carrying ``_project_id``) and ``company_projects``.
    """
    sizes = PROJECT_VENDORS[company.scale]
    staff_by_vendor: dict[int, list[Record]] = {}
    for user in company.users:
        if user["_vendor_id"] is not None:
            staff_by_vendor.setdefault(user["_vendor_id"], []).append(user)
    project_users: list[Record] = []
    project_vendors: list[Record] = []
    vendor_projects: dict[int, list[int]] = {vendor["id"]: [] for vendor in company.vendors}
    team: dict[int, tuple[list[Record], list[Record]]] = {}
    for project in company.projects:
        count = min(len(company.vendors), rng.randint(*sizes))
        on_project = sorted(rng.sample(company.vendors, count), key=lambda vendor: vendor["id"])
        members = rng.sample(company.roles["managers"], min(2, rng.randint(*PROJECT_MANAGERS)))
        reviewers = company.roles["reviewers"]
        members += rng.sample(reviewers, min(len(reviewers), rng.randint(*PROJECT_REVIEWERS)))
        for vendor in on_project:
            members += staff_by_vendor.get(vendor["id"], [])
            vendor_projects[vendor["id"]].append(project["id"])
        team[project["id"]] = (on_project, members)
    for vendor in company.vendors:
        vendor["project_ids"] = vendor_projects[vendor["id"]]
        vendor["contact_count"] = len(staff_by_vendor.get(vendor["id"], [])) + 1
    for project in company.projects:
        on_project, members = team[project["id"]]
        # Project users and vendors: Procore documents no separate list shape, so they are
        # served in the company shape (our assumption), as independent copies per project.
        for user in sorted(members, key=lambda member: member["id"]):
            project_users.append({**_copy(user), "_project_id": project["id"]})
        for vendor in on_project:
            project_vendors.append({**_copy(vendor), "_project_id": project["id"]})
    company.add("company_users", company.users)
    company.add("vendors", company.vendors)
    company.add("project_users", project_users)
    company.add("project_vendors", project_vendors)
    company.add(
        "company_projects", [_slim_project(company, project) for project in company.projects]
    )


def _copy(record: Record) -> Record:
    """A copy deep enough that no nested dict or list is shared with ``record``."""
    copied: Record = {}
    for key, value in record.items():
        if isinstance(value, dict):
            copied[key] = dict(value)
        elif isinstance(value, list):
            copied[key] = [dict(item) if isinstance(item, dict) else item for item in value]
        else:
            copied[key] = value
    return copied


def _slim_project(company: Company, project: Record) -> Record:
    """One project in the slim ``/rest/v1.0/companies/{company_id}/projects`` shape."""
    creator = next(
        (user for user in company.users if user["id"] == project["created_by"]["id"]), None
    )
    return {
        "id": project["id"],
        "name": project["name"],
        "address": {
            "street": project["address"],
            "city": project["city"],
            "state_code": project["state_code"],
            "zip": project["zip"],
            "country_code": project["country_code"],
        },
        "stage_name": project["stage"],
        "status_name": "Active" if project["active"] else "Inactive",
        "type_name": None,  # the v1.0 project has no project type (Procore's example: null)
        "open_items": [],
        "created_by": {
            "id": project["created_by"]["id"],
            "email": creator["email_address"] if creator else project["created_by"]["login"],
        },
    }
