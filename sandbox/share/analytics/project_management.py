"""The project management tables: RFIs, who holds them, their responses, submittals."""

from __future__ import annotations

from sandbox.domain.common import Company, Record

from .columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    STRING,
    UTC_TIMESTAMP,
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
    id_list,
    instant,
    live,
    ref_id,
    ref_name,
)


def _live_rfis(company: Company) -> list[Record]:
    return list(live(company.rows("rfis")))


def _rfis(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        cost, schedule = rfi["cost_impact"] or {}, rfi["schedule_impact"] or {}
        days = schedule.get("value")
        rows.append(
            {
                "rfi_id": rfi["id"],
                "company_id": company.company_id,
                "project_id": rfi["_project_id"],
                "number": rfi["number"],
                "full_number": rfi["full_number"],
                "subject": rfi["subject"],
                "status": rfi["status"],
                "private": rfi["private"],
                "due_date": day(rfi["due_date"]),
                "initiated_at": instant(rfi["initiated_at"]),
                "closed_at": instant(rfi["time_resolved"]),
                "assignee_id": ref_id(rfi["assignee"]),
                "assignee_id_list": id_list(rfi["assignees"]),
                "rfi_manager_id": ref_id(rfi["rfi_manager"]),
                "received_from_id": ref_id(rfi["received_from"]),
                "created_by_id": ref_id(rfi["created_by"]),
                "responsible_contractor_id": ref_id(rfi["responsible_contractor"]),
                "cost_code_id": ref_id(rfi["cost_code"]),
                "location_id": rfi["location_id"],
                "location_name": ref_name(rfi["location"]),
                "cost_impact_status": cost.get("status"),
                **amounts("cost_impact_amount", cost.get("value")),
                "schedule_impact_status": schedule.get("status"),
                "schedule_impact_days": None if days is None else int(days),
                **audit(rfi["created_at"], rfi["updated_at"]),
            }
        )
    return rows


def _rfis_bic(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        assignees = {person["id"]: person for person in rfi["assignees"]}
        manager = ref_id(rfi["rfi_manager"])
        for person in rfi["ball_in_courts"]:
            assignee = assignees.get(person["id"])
            if assignee is not None:
                role, required = "Assignee", bool(assignee.get("response_required"))
            else:
                role, required = ("RFI Manager" if person["id"] == manager else None), False
            rows.append(
                {
                    "rfi_bic_id": f"{rfi['id']}_{person['id']}",
                    "company_id": company.company_id,
                    "project_id": rfi["_project_id"],
                    "rfi_id": rfi["id"],
                    "user_id": person["id"],
                    "user_name": person["name"],
                    "ball_in_court_role": role,
                    "response_required": required,
                    **audit(rfi["created_at"], rfi["updated_at"]),
                }
            )
    return rows


def _rfi_responses(company: Company) -> list[Record]:
    rows = []
    for rfi in _live_rfis(company):
        replies = company.children("rfi_replies", rfi["id"])
        latest = max(replies, key=lambda r: (r["answer_date"] or "", r["id"]), default=None)
        for reply in replies:
            rows.append(
                {
                    "rfi_response_id": reply["id"],
                    "company_id": company.company_id,
                    "project_id": rfi["_project_id"],
                    "rfi_id": rfi["id"],
                    "created_by_id": reply["created_by_id"],
                    "body": reply["plain_text_body"],
                    "official": reply["official"],
                    "is_most_recent": reply is latest,
                    "rfi_created_by_id": ref_id(rfi["created_by"]),
                    "rfi_manager_id": ref_id(rfi["rfi_manager"]),
                    "rfi_private": rfi["private"],
                    "rfi_draft": rfi["status"] == "draft",
                    # A reply is written once, when it is given.
                    **audit(reply["answer_date"], reply["answer_date"]),
                }
            )
    return rows


def _submittals(company: Company) -> list[Record]:
    rows = []
    for submittal in company.rows("submittals"):
        status = submittal["status"] or {}
        closed = status.get("status") == "closed"
        section = submittal["specification_section"] or {}
        court = submittal["ball_in_court"] or []
        rows.append(
            {
                "submittal_id": submittal["id"],
                "company_id": company.company_id,
                "project_id": submittal["_project_id"],
                "number": submittal["number"],
                "formatted_number": submittal["formatted_number"],
                "revision": submittal["revision"],
                "current_revision": submittal["current_revision"],
                "title": submittal["title"],
                "status": status.get("name"),
                "submittal_type": ref_name(submittal["type"]),
                "private": submittal["private"],
                "specification_section_id": section.get("id"),
                "specification_section_number": section.get("number"),
                "responsible_contractor_id": ref_id(submittal["responsible_contractor"]),
                "received_from_id": ref_id(submittal["received_from"]),
                "submittal_manager_id": ref_id(submittal["submittal_manager"]),
                "created_by_id": ref_id(submittal["created_by"]),
                "ball_in_court_id_list": id_list(court),
                "approvers_ids": id_list(a["user"] for a in submittal["approvers"] if a["user"]),
                "distribution_id_list": id_list(submittal["distribution_members"]),
                "due_date": day(submittal["due_date"]),
                "submit_by_date": day(submittal["submit_by"]),
                "issue_date": day(submittal["issue_date"]),
                "received_date": day(submittal["received_date"]),
                "distributed_at": instant(submittal["distributed_at"]),
                # Closing a submittal distributes it: the last distribution closes it.
                "closed_at": instant(submittal["distributed_at"]) if closed else None,
                **audit(submittal["created_at"], submittal["updated_at"]),
            }
        )
    return rows


# The project management tables, in the order the share lists them.
PROJECT_MANAGEMENT_TABLES: tuple[TableSpec, ...] = (
    share_table(
        "rfis", "project_management", "project", _rfis, "Requests for information.",
        *strings("number", "full_number", "subject", "status"),
        Column("private", BOOLEAN),
        Column("due_date", DATE),
        *typed(UTC_TIMESTAMP, "initiated_at", "closed_at"),
        Column("assignee_id", BIGINT), Column("assignee_id_list", STRING),
        *ids("rfi_manager_id", "received_from_id", "created_by_id",
              "responsible_contractor_id", "cost_code_id", "location_id"),
        *strings("location_name", "cost_impact_status"),
        *money("cost_impact_amount"),
        Column("schedule_impact_status", STRING), Column("schedule_impact_days", BIGINT),
    ),
    share_table(
        "rfis_bic", "project_management", "project", _rfis_bic,
        "Who holds each RFI (ball in court); the key is '<rfi_id>_<user_id>'.",
        *ids("rfi_id", "user_id"),
        *strings("user_name", "ball_in_court_role"),
        Column("response_required", BOOLEAN),
        key_type=STRING,
    ),
    share_table(
        "rfi_responses", "project_management", "project", _rfi_responses, "Responses to RFIs.",
        *ids("rfi_id", "created_by_id"),
        Column("body", STRING),
        *typed(BOOLEAN, "official", "is_most_recent"),
        *ids("rfi_created_by_id", "rfi_manager_id"),
        *typed(BOOLEAN, "rfi_private", "rfi_draft"),
    ),
    share_table(
        "submittals", "project_management", "project", _submittals, "Submittals.",
        *strings("number", "formatted_number", "revision"),
        Column("current_revision", BOOLEAN),
        *strings("title", "status", "submittal_type"),
        Column("private", BOOLEAN),
        Column("specification_section_id", BIGINT),
        Column("specification_section_number", STRING),
        *ids("responsible_contractor_id", "received_from_id", "submittal_manager_id",
              "created_by_id"),
        *strings("ball_in_court_id_list", "approvers_ids", "distribution_id_list"),
        *typed(DATE, "due_date", "submit_by_date", "issue_date", "received_date"),
        *typed(UTC_TIMESTAMP, "distributed_at", "closed_at"),
    ),
)  # fmt: skip
