"""The people and project-management records of the generated company, and how they change
when the company's clock moves on."""

import itertools
import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import jsonschema
import orjson
import pytest

from sandbox import advance, generate_company
from sandbox.contracts import load_contract
from tests.conftest import CLOCK

RESOURCES = (
    "company_users", "project_users", "vendors", "project_vendors", "company_projects", "rfis",
    "rfi_replies", "submittals", "submittal_statuses", "meetings", "manpower_logs",
    "daily_log_headers",
)  # fmt: skip
ADVANCED = ("rfis", "rfi_replies", "submittals", "meetings", "manpower_logs", "daily_log_headers")


def _public(record: dict) -> dict:
    return {key: value for key, value in record.items() if not key.startswith("_")}


def _ts(value: str) -> datetime:
    assert value.endswith("Z") and len(value) == 20, value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def small():
    """One small company, read-only in this module."""
    return generate_company(seed=12, scale="small", clock=CLOCK)


@pytest.fixture(scope="module")
def medium():
    """A medium company, read-only, for statistics over many projects."""
    return generate_company(seed=5, scale="medium", clock=CLOCK)


@pytest.fixture(scope="module")
def advanced():
    """A small company before and after ten days go by: (snapshot before, company, since)."""
    company = generate_company(seed=21, scale="small", clock=CLOCK)
    before = {key: orjson.loads(orjson.dumps(company.rows(key))) for key in ADVANCED}
    since = company.clock
    advance(company, 10)
    return before, company, since


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_record_validates_against_its_contract(small, resource):
    validator = jsonschema.Draft202012Validator(load_contract(resource))
    records = small.rows(resource)
    assert records, f"no {resource} generated"
    for record in records:
        errors = list(validator.iter_errors(_public(record)))
        assert not errors, f"{resource} {record.get('id')}: {errors[0].message}"


@pytest.mark.parametrize("resource", ADVANCED)
def test_records_added_or_changed_by_advance_still_validate(advanced, resource):
    _, company, _ = advanced
    validator = jsonschema.Draft202012Validator(load_contract(resource))
    for record in company.rows(resource):
        errors = list(validator.iter_errors(_public(record)))
        assert not errors, f"{resource} {record.get('id')}: {errors[0].message}"


def test_the_same_seed_generates_the_same_records_byte_for_byte():
    first = generate_company(seed=7, scale="small", clock=CLOCK)
    second = generate_company(seed=7, scale="small", clock=CLOCK)
    for resource in RESOURCES:
        assert orjson.dumps(first.rows(resource)) == orjson.dumps(second.rows(resource))


def test_the_same_seed_advances_the_same_way():
    first = generate_company(seed=7, scale="tiny", clock=CLOCK)
    second = generate_company(seed=7, scale="tiny", clock=CLOCK)
    advance(first, 5)
    advance(second, 5)
    for resource in RESOURCES:
        assert orjson.dumps(first.rows(resource)) == orjson.dumps(second.rows(resource))


def test_company_users_and_vendors_are_the_company_lists(small):
    assert small.rows("company_users") == small.users
    assert all(a is b for a, b in zip(small.rows("company_users"), small.users, strict=True))
    assert all(a is b for a, b in zip(small.rows("vendors"), small.vendors, strict=True))


def test_project_teams_name_known_users_and_vendors_and_vendors_list_their_projects(small):
    users = {user["id"] for user in small.users}
    for project in small.projects:
        team = small.project_rows("project_users", project["id"])
        vendors = small.project_rows("project_vendors", project["id"])
        assert team and vendors
        assert {user["id"] for user in team} <= users
        for vendor in vendors:
            company_vendor = next(v for v in small.vendors if v["id"] == vendor["id"])
            assert project["id"] in company_vendor["project_ids"]
            assert vendor is not company_vendor and vendor["trades"] is not company_vendor["trades"]


def test_company_projects_are_the_slim_shape_of_every_project(small):
    slim = {row["id"]: row for row in small.rows("company_projects")}
    assert set(slim) == {project["id"] for project in small.projects}
    for project in small.projects:
        row = slim[project["id"]]
        assert row["address"]["street"] == project["address"]
        assert row["address"]["city"] == project["city"]
        assert row["status_name"] == ("Active" if project["active"] else "Inactive")


def test_every_rfi_reference_names_a_member_of_its_project(small):
    for project in small.projects:
        team = {user["id"] for user in small.project_rows("project_users", project["id"])}
        vendors = {vendor["id"] for vendor in small.project_rows("project_vendors", project["id"])}
        for rfi in small.project_rows("rfis", project["id"]):
            assert rfi["assignee"]["id"] in team and rfi["received_from"]["id"] in team
            assert rfi["responsible_contractor"]["id"] in vendors


def _rfi_replies_are_consistent(company):
    rfis = {rfi["id"]: rfi for rfi in company.rows("rfis")}
    replies = Counter()
    for reply in company.rows("rfi_replies"):
        rfi = rfis[reply["_parent_id"]]
        assert reply["_project_id"] == rfi["_project_id"]
        assert rfi["status"] != "draft"
        answered = _ts(reply["answer_date"])
        assert _ts(rfi["initiated_at"]) <= answered <= company.clock
        if rfi["status"] == "open":
            assert not reply["official"]
        if reply["official"]:
            assert answered < _ts(rfi["time_resolved"])
            replies[rfi["id"]] += 1
    for rfi in rfis.values():
        if rfi["status"] == "closed":
            assert replies[rfi["id"]] >= 1, rfi["id"]


def test_closed_rfis_have_an_official_answer_before_they_were_closed(small):
    _rfi_replies_are_consistent(small)


def test_some_open_rfis_have_unofficial_answers(small):
    answered = {reply["_parent_id"] for reply in small.rows("rfi_replies")}
    open_ids = {rfi["id"] for rfi in small.all_rfis() if rfi["status"] == "open"}
    assert 0 < len(open_ids & answered) < len(open_ids)


def test_a_typical_active_project_has_ten_to_twenty_percent_of_its_rfis_open(medium):
    shares = []
    for project in medium.projects:
        if project["active"]:
            rfis = medium.project_rows("rfis", project["id"])
            shares.append(sum(rfi["status"] == "open" for rfi in rfis) / len(rfis))
    assert 0.10 <= statistics.median(shares) <= 0.20
    rfis = [r for p in medium.projects if p["active"] for r in medium.project_rows("rfis", p["id"])]
    assert 0.10 <= sum(rfi["status"] == "open" for rfi in rfis) / len(rfis) <= 0.20


def test_company_submittal_statuses_cover_draft_open_and_closed(small):
    assert {row["status"] for row in small.rows("submittal_statuses")} == {
        "draft",
        "open",
        "closed",
    }


def _submittals_are_consistent(company):
    statuses = {row["id"]: row for row in company.rows("submittal_statuses")}
    for record in company.rows("submittals"):
        assert record["status"] == statuses[record["status"]["id"]]
        state = record["status"]["status"]
        created = _ts(record["created_at"])
        assert created <= _ts(record["updated_at"]) <= company.clock
        rows = record["approvers"]
        for row in rows:
            if row["returned_date"]:
                assert row["sent_date"] <= row["returned_date"] <= company.clock.date().isoformat()
                assert row["response"] is not None
            else:
                assert row["response"] is None
            assert (row["sent_date"] is None) == (row["due_date"] is None)
            if row["sent_date"]:
                assert record["received_date"] <= row["sent_date"]
                assert row["due_date"] > row["sent_date"]
        pending = {
            row["user"]["id"] for row in rows if row["sent_date"] and not row["returned_date"]
        }
        court = {person["id"] for person in record["ball_in_court"]}
        if state == "closed":
            assert court == set() and all(row["returned_date"] for row in rows)
            assert _ts(record["distributed_at"]) <= company.clock
        elif state == "draft":
            assert record["issue_date"] is None and all(row["sent_date"] is None for row in rows)
        elif pending:
            assert court == pending
        else:
            assert court, record["id"]
        groups = sorted({row["workflow_group_number"] for row in rows})
        for earlier, later in itertools.pairwise(groups):
            first = [row for row in rows if row["workflow_group_number"] == earlier]
            for row in rows:
                if row["workflow_group_number"] == later and row["sent_date"]:
                    assert all(
                        r["returned_date"] and r["returned_date"] <= row["sent_date"] for r in first
                    )


def test_submittal_workflows_are_consistent(small):
    _submittals_are_consistent(small)


def test_submittals_have_revisions_and_realistic_statuses_and_response_times(medium):
    submittals = medium.rows("submittals")
    statuses = Counter(record["status"]["name"] for record in submittals)
    assert statuses["Closed"] > statuses["Open"] > 0 and statuses["Draft"] > 0
    assert statuses["Pending"] > 0
    revised = [record for record in submittals if record["revision"] != "0"]
    assert revised
    for record in revised:
        earlier = [
            other
            for other in medium.project_rows("submittals", record["_project_id"])
            if other["number"] == record["number"] and other["revision"] < record["revision"]
        ]
        assert earlier and not any(other["current_revision"] for other in earlier)
    days = [
        (date.fromisoformat(row["returned_date"]) - date.fromisoformat(row["sent_date"])).days
        for record in submittals
        for row in record["approvers"]
        if row["returned_date"]
    ]
    assert 3 <= statistics.median(days) <= 10 and max(days) <= 46


def test_meetings_are_grouped_in_series_and_numbered_in_order(small):
    for project in small.projects:
        meetings = small.project_rows("meetings", project["id"])
        groups = {}
        for meeting in meetings:
            groups.setdefault(meeting["_group_title"], []).append(meeting)
        assert len(groups) == 3
        for series in groups.values():
            assert [m["position"] for m in series] == list(range(1, len(series) + 1))
            assert all(_ts(m["created_at"]) <= _ts(m["updated_at"]) <= CLOCK for m in series)
            assert all(
                m["occurred"] == (m["meeting_date"] <= CLOCK.date().isoformat())
                for m in series[:-1]
            )


def test_manpower_logs_are_on_work_days_only_and_never_after_the_clock(small):
    for log in small.rows("manpower_logs"):
        day = date.fromisoformat(log["date"])
        assert day.weekday() < 5
        assert day <= CLOCK.date()
        assert _ts(log["created_at"]) <= _ts(log["updated_at"]) <= CLOCK
        assert float(log["man_hours"]) == log["num_workers"] * float(log["num_hours"])


def test_each_logged_day_has_three_to_eight_vendors_and_one_header(small):
    for project in small.projects:
        logs = small.project_rows("manpower_logs", project["id"])
        per_day = Counter(log["date"] for log in logs)
        vendors = len(small.project_rows("project_vendors", project["id"]))
        complete = [count for day, count in per_day.items() if day < CLOCK.date().isoformat()]
        assert min(complete) >= min(3, vendors) and max(complete) <= 8
        headers = [h["log_date"] for h in small.project_rows("daily_log_headers", project["id"])]
        assert sorted(headers) == sorted(per_day)
        pairs = [(log["date"], log["vendor"]["id"]) for log in logs]
        assert len(pairs) == len(set(pairs))


def test_closed_out_projects_stop_logging_at_completion(small):
    for project in small.projects:
        if not project["active"]:
            days = {log["date"] for log in small.project_rows("manpower_logs", project["id"])}
            assert max(days) <= project["completion_date"]


def test_advance_changes_rfis_and_submittals_inside_the_window(advanced):
    before, company, since = advanced
    for resource in ("rfis", "submittals", "manpower_logs", "meetings"):
        old = {row["id"]: row for row in before[resource]}
        changed = [
            row
            for row in company.rows(resource)
            if row["id"] not in old or _public(old[row["id"]]) != _public(row)
        ]
        assert changed, resource
        for row in changed:
            assert since < _ts(row["updated_at"]) <= company.clock, (resource, row["id"])
    old_rfis = {row["id"]: row for row in before["rfis"]}
    closed = [
        rfi
        for rfi in company.rows("rfis")
        if rfi["id"] in old_rfis
        and old_rfis[rfi["id"]]["status"] == "open"
        and rfi["status"] == "closed"
    ]
    assert closed and all(rfi["ball_in_court"] is None for rfi in closed)
    assert any(rfi["id"] not in old_rfis for rfi in company.rows("rfis"))
    _rfi_replies_are_consistent(company)
    _submittals_are_consistent(company)


def test_advance_logs_the_new_work_days(advanced):
    _, company, since = advanced
    new_days = {
        log["date"] for log in company.rows("manpower_logs") if _ts(log["created_at"]) > since
    }
    expected = {
        (since + timedelta(days=n)).date().isoformat()
        for n in range(1, 10)
        if (since + timedelta(days=n)).weekday() < 5
    }
    assert expected <= new_days
    assert all(date.fromisoformat(day).weekday() < 5 for day in new_days)


def test_advance_soft_deletes_and_hard_deletes_some_records(advanced):
    before, company, since = advanced
    soft = [
        row
        for key in ("rfis", "manpower_logs")
        for row in company.rows(key)
        if row["deleted_at"] is not None
    ]
    assert soft and all(since < _ts(row["deleted_at"]) <= company.clock for row in soft)
    gone = {
        key: {row["id"] for row in before[key]} - {row["id"] for row in company.rows(key)}
        for key in ("manpower_logs", "submittals")
    }
    assert any(gone.values())
    assert all(
        row["id"] not in gone["manpower_logs"]
        for row in company.project_rows("manpower_logs", company.projects[0]["id"])
    )


def test_advance_never_stamps_after_the_clock(advanced):
    _, company, _ = advanced
    for resource in ADVANCED:
        for row in company.rows(resource):
            for key, value in row.items():
                if isinstance(value, str) and len(value) == 20 and value.endswith("Z"):
                    assert _ts(value) <= company.clock, (resource, row["id"], key)
