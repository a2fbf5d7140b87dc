from collections import Counter
from datetime import date, datetime

import orjson
import pytest

from sandbox import SCALES, generate_company
from sandbox.domain.project_management import RFIS_PER_PROJECT
from sandbox.generator import add_working_days
from tests.conftest import CLOCK

RFI_LIST_FIELDS = {
    "id", "number", "full_number", "prefix", "subject", "status", "translated_status", "private",
    "reference", "due_date", "initiated_at", "time_resolved", "link", "location_id", "location",
    "assignee", "assignees", "ball_in_court", "ball_in_courts", "rfi_manager", "received_from",
    "created_by", "responsible_contractor", "cost_code", "sub_job", "project_stage",
    "cost_impact", "schedule_impact", "questions", "custom_fields", "deleted", "deleted_at",
    "created_at", "updated_at",
}  # fmt: skip
PROJECT_FIELDS = {
    "id", "name", "display_name", "project_number", "address", "city", "state_code",
    "country_code", "zip", "county", "time_zone", "latitude", "longitude", "stage",
    "project_stage", "project_template", "phone", "fax", "active", "is_demo", "parent_job_id",
    "parent_job", "origin_id", "origin_data", "origin_code", "owners_project_id", "total_value",
    "estimated_value", "estimated_budget", "store_number", "accounting_project_number",
    "designated_market_area", "project_region_id", "project_bid_type_id",
    "project_owner_type_id", "photo_id", "start_date", "completion_date",
    "projected_finish_date", "sector", "work_scope", "delivery_method", "priority", "company",
    "created_by", "custom_fields", "project_sector_id", "created_at", "updated_at",
}  # fmt: skip


def _public(record: dict) -> dict:
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _timestamp(value: str) -> datetime:
    assert value.endswith("Z") and len(value) == 20, value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_the_same_seed_generates_the_same_company_byte_for_byte():
    first = generate_company(seed=11, scale="small", clock=CLOCK)
    second = generate_company(seed=11, scale="small", clock=CLOCK)
    for attribute in ("company", "users", "vendors", "projects", "rfis_by_project"):
        assert orjson.dumps(getattr(first, attribute), option=orjson.OPT_NON_STR_KEYS) == (
            orjson.dumps(getattr(second, attribute), option=orjson.OPT_NON_STR_KEYS)
        )


def test_another_seed_generates_another_company():
    first = generate_company(seed=1, scale="small", clock=CLOCK)
    second = generate_company(seed=2, scale="small", clock=CLOCK)
    assert [r["subject"] for r in first.all_rfis()] != [r["subject"] for r in second.all_rfis()]


def test_an_unknown_scale_is_refused_with_the_valid_choices():
    with pytest.raises(ValueError, match="tiny, small, medium, large"):
        generate_company(scale="huge")


@pytest.mark.parametrize("scale", ["tiny", "small", "medium"])
def test_each_scale_has_its_number_of_projects_and_rfis(scale):
    company = generate_company(seed=3, scale=scale, clock=CLOCK)
    size = SCALES[scale]
    assert len(company.projects) == size.projects
    for project in company.projects:
        low, high = RFIS_PER_PROJECT[scale]
        assert low <= len(company.rfis_by_project[project["id"]]) <= high


def test_projects_carry_the_documented_fields_and_json_types(company):
    for project in company.projects:
        assert set(_public(project)) == PROJECT_FIELDS
        assert isinstance(project["id"], int)
        assert isinstance(project["total_value"], str)  # money is a JSON string
        float(project["total_value"])
        assert isinstance(project["active"], bool)
        assert isinstance(project["latitude"], float)
        assert project["company"] == {"id": company.company_id, "name": company.company["name"]}
        date.fromisoformat(project["start_date"])
        _timestamp(project["created_at"])


def test_some_projects_are_closed_out_and_inactive(company):
    assert Counter(project["active"] for project in company.projects) == {True: 2, False: 1}


def test_rfis_carry_the_documented_fields_and_json_types(company):
    for rfi in company.all_rfis():
        assert set(_public(rfi)) == RFI_LIST_FIELDS
        assert isinstance(rfi["number"], str)
        assert rfi["status"] in {"draft", "open", "closed"}
        assert rfi["translated_status"] == rfi["status"].capitalize()
        assert set(rfi["assignee"]) == {"id", "login", "name"}
        assert set(rfi["assignees"][0]) == {"id", "login", "name", "locale", "response_required"}
        assert set(rfi["cost_impact"]) == {"status", "value"}
        assert rfi["questions"] and set(rfi["questions"][0]) == {"id", "body"}


def test_rfi_ids_need_64_bit_integers(company):
    ids = [rfi["id"] for rfi in company.all_rfis()]
    assert min(ids) > 2**32
    assert max(ids) < 2**63
    assert len(ids) == len(set(ids))


def test_rfi_numbers_count_up_from_one_within_each_project(company):
    for rfis in company.rfis_by_project.values():
        assert [rfi["number"] for rfi in rfis] == [str(n) for n in range(1, len(rfis) + 1)]


def test_rfi_lifecycles_are_consistent(company):
    for rfi in company.all_rfis():
        created = _timestamp(rfi["created_at"])
        updated = _timestamp(rfi["updated_at"])
        assert created <= updated <= company.clock
        if rfi["status"] == "draft":
            assert rfi["initiated_at"] is None and rfi["due_date"] is None
            assert rfi["time_resolved"] is None
            continue
        initiated = _timestamp(rfi["initiated_at"])
        assert created <= initiated
        assert date.fromisoformat(rfi["due_date"]) > initiated.date()
        if rfi["status"] == "open":
            assert rfi["time_resolved"] is None
            assert rfi["ball_in_court"] is not None
        else:
            assert initiated <= _timestamp(rfi["time_resolved"]) <= updated
            assert rfi["ball_in_court"] is None and rfi["ball_in_courts"] == []


def test_closed_out_projects_have_no_open_rfis(company):
    for project in company.projects:
        if not project["active"]:
            statuses = {rfi["status"] for rfi in company.rfis_by_project[project["id"]]}
            assert statuses == {"closed"}


def test_statuses_and_ages_are_realistically_mixed():
    company = generate_company(seed=5, scale="medium", clock=CLOCK)
    statuses = Counter(rfi["status"] for rfi in company.all_rfis())
    total = sum(statuses.values())
    assert 0.02 < statuses["open"] / total < 0.2
    assert statuses["draft"] > 0
    open_ages = [
        (CLOCK - _timestamp(rfi["initiated_at"])).days
        for rfi in company.all_rfis()
        if rfi["status"] == "open"
    ]
    assert min(open_ages) <= 7 and max(open_ages) > 60


def test_due_dates_count_working_days_only():
    friday = date(2024, 3, 1)
    assert add_working_days(friday, 1) == date(2024, 3, 4)
    assert add_working_days(friday, 5) == date(2024, 3, 8)
