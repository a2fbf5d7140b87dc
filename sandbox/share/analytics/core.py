"""The core directory tables: companies, projects, users, project users and vendors."""

from __future__ import annotations

from sandbox.domain.common import Company, Record

from .columns import (
    BOOLEAN,
    DATE,
    STRING,
    Column,
    TableSpec,
    ids,
    money,
    share_table,
    strings,
    typed,
)
from .values import (
    amounts,
    audit,
    day,
    ref_id,
    ref_name,
)


def _companies(company: Company) -> list[Record]:
    record = company.company
    # The REST company record has no timestamps, so neither has its row.
    return [
        {
            "company_id": record["id"],
            "name": record["name"],
            "is_active": record["is_active"],
            **audit(None, None),
        }
    ]


def _projects(company: Company) -> list[Record]:
    return [
        {
            "project_id": project["id"],
            "company_id": company.company_id,
            "name": project["name"],
            "display_name": project["display_name"],
            "project_number": project["project_number"],
            "address": project["address"],
            "city": project["city"],
            "state_code": project["state_code"],
            "zip": project["zip"],
            "country_code": project["country_code"],
            "time_zone": project["time_zone"],
            "stage": project["stage"],
            "is_active": project["active"],
            "start_date": day(project["start_date"]),
            "completion_date": day(project["completion_date"]),
            "projected_finish_date": day(project["projected_finish_date"]),
            **amounts("total_value", project["total_value"]),
            "sector": project["sector"],
            "work_scope": project["work_scope"],
            "delivery_method": project["delivery_method"],
            "store_number": project["store_number"],
            "external_origin_id": project["origin_id"],
            **audit(project["created_at"], project["updated_at"]),
        }
        for project in company.projects
    ]


def _user_company(company: Company, user: Record) -> str:
    """The company a user works for: their vendor, or the company itself."""
    return ref_name(user["vendor"]) or company.company["name"]


def _users(company: Company) -> list[Record]:
    return [
        {
            "user_id": user["id"],
            "company_id": company.company_id,
            "name": user["name"],
            "first_name": user["first_name"],
            "last_name": user["last_name"],
            "login": user["login"],
            "email_address": user["email_address"],
            "job_title": user["job_title"],
            "is_active": user["is_active"],
            "is_employee": user["is_employee"],
            "employee_id": user["employee_id"],
            "vendor_id": ref_id(user["vendor"]),
            "vendor_name": ref_name(user["vendor"]),
            "company_name": _user_company(company, user),
            "origin_id": user["origin_id"],
            **audit(user["created_at"], user["updated_at"]),
        }
        for user in company.rows("company_users")
    ]


def _project_users(company: Company) -> list[Record]:
    return [
        {
            "project_user_id": f"{user['_project_id']}_{user['id']}",
            "company_id": company.company_id,
            "project_id": user["_project_id"],
            "user_id": user["id"],
            "name": user["name"],
            "email_address": user["email_address"],
            "job_title": user["job_title"],
            "is_active": user["is_active"],
            "is_employee": user["is_employee"],
            "vendor_id": ref_id(user["vendor"]),
            "permission_template_name": ref_name(user["permission_template"]),
            **audit(user["created_at"], user["updated_at"]),
        }
        for user in company.rows("project_users")
    ]


def _vendors(company: Company) -> list[Record]:
    return [
        {
            "vendor_id": vendor["id"],
            "company_id": company.company_id,
            "parent_vendor_id": ref_id(vendor["parent"]),
            "name": vendor["name"],
            "abbreviated_name": vendor["abbreviated_name"],
            "legal_name": vendor["legal_name"],
            "trade_name": vendor["trade_name"],
            "address": vendor["address"],
            "city": vendor["city"],
            "state_code": vendor["state_code"],
            "zip": vendor["zip"],
            "country_code": vendor["country_code"],
            "business_phone": vendor["business_phone"],
            "email_address": vendor["email_address"],
            "license_number": vendor["license_number"],
            "is_active": vendor["is_active"],
            "authorized_bidder": vendor["authorized_bidder"],
            "prequalified": vendor["prequalified"],
            "union_member": vendor["union_member"],
            "trades": ",".join(trade["name"] for trade in vendor["trades"]) or None,
            "external_origin_id": vendor["origin_id"],
            **audit(vendor["created_at"], vendor["updated_at"]),
        }
        for vendor in company.vendors
    ]


# The core tables, in the order the share lists them.
CORE_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "companies", "core", "company", _companies, "The companies the token can see.",
        Column("name", STRING), Column("is_active", BOOLEAN),
    ),
    share_table(
        "projects", "core", "company", _projects, "Every project of the companies.",
        *strings("name", "display_name", "project_number", "address", "city", "state_code",
                  "zip", "country_code", "time_zone", "stage"),
        Column("is_active", BOOLEAN),
        *typed(DATE, "start_date", "completion_date", "projected_finish_date"),
        *money("total_value"),
        *strings("sector", "work_scope", "delivery_method", "store_number",
                  "external_origin_id"),
    ),
    share_table(
        "project_users", "core", "project", _project_users,
        "The users of each project's directory; the key is '<project_id>_<user_id>'.",
        *ids("user_id"),
        *strings("name", "email_address", "job_title"),
        *typed(BOOLEAN, "is_active", "is_employee"),
        *ids("vendor_id"),
        Column("permission_template_name", STRING),
        key_type=STRING,
    ),
    share_table(
        "users", "core", "company", _users, "The company directory's users.",
        *strings("name", "first_name", "last_name", "login", "email_address", "job_title"),
        *typed(BOOLEAN, "is_active", "is_employee"),
        Column("employee_id", STRING),
        *ids("vendor_id"),
        *strings("vendor_name", "company_name", "origin_id"),
    ),
    share_table(
        "vendors", "core", "company", _vendors, "The company directory's vendors.",
        *ids("parent_vendor_id"),
        *strings("name", "abbreviated_name", "legal_name", "trade_name", "address", "city",
                  "state_code", "zip", "country_code", "business_phone", "email_address",
                  "license_number"),
        *typed(BOOLEAN, "is_active", "authorized_bidder", "prequalified", "union_member"),
        *strings("trades", "external_origin_id"),
    ),
)  # fmt: skip
