"""The list endpoints' shared rules: deletions, sorts, date scopes, scoping and envelopes."""

from datetime import timedelta

import pytest

from sandbox import ProcoreSandbox, SandboxSettings
from tests.rest_client import authorised_session


@pytest.fixture
def client(sandbox):
    with authorised_session(sandbox) as session:

        def get(path, **params):
            return session.get(f"{sandbox.base_url}{path}", params=params)

        yield get


def _ids(response):
    assert response.status_code == 200, response.text[:200]
    return [record["id"] for record in response.json()]


def _first_project(company):
    return company.projects[0]["id"]


def test_soft_deleted_records_show_only_when_include_deleted_asks(client, company):
    project_id = _first_project(company)
    events = company.project_rows("change_events", project_id)
    events[0]["deleted_at"] = events[0]["updated_at"]
    live = _ids(client("/rest/v1.0/change_events", project_id=project_id))
    assert events[0]["id"] not in live and len(live) == len(events) - 1
    both = _ids(
        client(
            "/rest/v1.0/change_events",
            project_id=project_id,
            **{"filters[include_deleted]": "with"},
        )
    )
    assert both == [event["id"] for event in events]
    only = client(
        "/rest/v1.0/change_events", project_id=project_id, **{"filters[include_deleted]": "only"}
    )
    assert _ids(only) == [events[0]["id"]]


def test_endpoints_without_include_deleted_never_show_deleted_records(client, company):
    project_id = _first_project(company)
    codes = company.project_rows("cost_codes", project_id)
    codes[0]["deleted_at"] = codes[0]["updated_at"]
    listed = _ids(
        client(
            "/rest/v1.0/cost_codes", project_id=project_id, **{"filters[include_deleted]": "with"}
        )
    )
    assert codes[0]["id"] not in listed


def test_sort_takes_comma_separated_fields_with_a_minus_for_descending(client, company):
    names = [p["name"] for p in company.projects]
    params = {"company_id": company.company_id, "filters[by_status]": "All"}
    ascending = client("/rest/v1.0/projects", sort="name", **params).json()
    descending = client("/rest/v1.0/projects", sort="-name", **params).json()
    assert [p["name"] for p in ascending] == sorted(names)
    assert [p["name"] for p in descending] == sorted(names, reverse=True)


def test_rfis_sort_with_sort_attribute_and_direction(client, company):
    project_id = _first_project(company)
    path = f"/rest/v1.0/projects/{project_id}/rfis"
    params = {"sort[attribute]": "number", "sort[direction]": "desc", "per_page": 1000}
    numbers = [int(rfi["number"]) for rfi in client(path, **params).json()]
    assert numbers == sorted(numbers, reverse=True)


def test_daily_logs_answer_for_today_unless_given_dates(client, company):
    project_id = company.projects[0]["id"]
    path = f"/rest/v1.0/projects/{project_id}/manpower_logs"
    logs = company.project_rows("manpower_logs", project_id)
    today = company.clock.date().isoformat()
    default = client(path, per_page=1000).json()
    assert {log["date"] for log in default} <= {today}
    assert len(default) == sum(1 for log in logs if log["date"] == today)
    day = logs[0]["date"]
    assert {log["date"] for log in client(path, log_date=day, per_page=1000).json()} == {day}
    start = (company.clock - timedelta(days=30)).date().isoformat()
    window = client(path, start_date=start, end_date=today, per_page=10_000).json()
    expected = [log for log in logs if start <= log["date"] <= today]
    assert len(window) == len(expected)


def test_daily_log_status_all_returns_every_status(client, company):
    project_id = company.projects[0]["id"]
    path = f"/rest/v1.0/projects/{project_id}/manpower_logs"
    params = {"start_date": "2000-01-01", "end_date": company.clock.date().isoformat()}
    everything = client(path, per_page=10_000, **params).json()
    assert len(client(path, per_page=10_000, **{"filters[status]": "all"}, **params).json()) == len(
        everything
    )
    approved = client(path, per_page=10_000, **{"filters[status]": "approved"}, **params).json()
    assert approved and {log["status"] for log in approved} == {"approved"}


def test_search_matches_names_case_insensitively(client, company):
    vendor = company.vendors[3]
    word = vendor["name"].split()[1].upper()
    found = client("/rest/v1.0/vendors", company_id=company.company_id, **{"filters[search]": word})
    assert vendor["id"] in _ids(found)
    assert all(word.lower() in record["name"].lower() for record in found.json())


def test_change_order_requests_need_a_contract_and_list_only_its_requests(client, company):
    request = company.rows("change_order_requests")[0]
    project_id = request["_project_id"]
    missing = client("/rest/v1.0/change_order_requests", project_id=project_id)
    assert missing.status_code == 400
    contract_id = request.get("contract_id", request.get("_contract_id"))
    listed = _ids(
        client("/rest/v1.0/change_order_requests", project_id=project_id, contract_id=contract_id)
    )
    expected = [
        r["id"]
        for r in company.project_rows("change_order_requests", project_id)
        if r.get("contract_id", r.get("_contract_id")) == contract_id and not r.get("deleted_at")
    ]
    assert listed == expected and listed


def test_a_parent_record_of_another_project_is_not_found(client, company):
    contract = company.rows("prime_contracts")[0]
    other_project = next(p["id"] for p in company.projects if p["id"] != contract["_project_id"])
    path = f"/rest/v1.0/prime_contracts/{contract['id']}/line_items"
    assert client(path, project_id=contract["_project_id"]).status_code == 200
    assert client(path, project_id=other_project).status_code == 404
    assert (
        client("/rest/v1.0/prime_contracts/1/line_items", project_id=other_project).status_code
        == 404
    )


def test_endpoints_that_do_not_paginate_send_no_pagination_headers(client, company):
    project_id = _first_project(company)
    response = client(f"/rest/v1.0/projects/{project_id}/commitment_change_orders", per_page=1)
    assert response.status_code == 200
    assert "Total" not in response.headers and "Link" not in response.headers
    assert len(response.json()) == len(
        [
            r
            for r in company.project_rows("commitment_change_orders", project_id)
            if not r.get("deleted_at")
        ]
    )


def test_a_tool_disabled_on_a_project_answers_403_on_its_endpoints(company):
    project_id = _first_project(company)
    settings = SandboxSettings(disabled_tools={project_id: {"submittals", "change_events"}})
    with ProcoreSandbox(company, settings) as sandbox, authorised_session(sandbox) as session:
        base = sandbox.base_url
        submittals = session.get(f"{base}/rest/v1.1/projects/{project_id}/submittals")
        events = session.get(f"{base}/rest/v1.0/change_events", params={"project_id": project_id})
        rfis = session.get(f"{base}/rest/v1.0/projects/{project_id}/rfis")
    assert submittals.status_code == 403 and events.status_code == 403
    assert rfis.status_code == 200


def test_v1_meetings_come_grouped_unless_asking_for_deleted_ones(client, company):
    project_id = _first_project(company)
    grouped = client("/rest/v1.0/meetings", project_id=project_id, per_page=1000).json()
    assert grouped and set(grouped[0]) == {"group_title", "meetings"}
    served = [meeting["id"] for group in grouped for meeting in group["meetings"]]
    assert sorted(served) == sorted(m["id"] for m in company.project_rows("meetings", project_id))
    deleted = client("/rest/v1.0/meetings", project_id=project_id, deleted_only="true").json()
    assert deleted == []


@pytest.mark.parametrize(
    ("path", "alias"),
    [
        ("/rest/v1.1/projects/{p}/direct_costs", "/rest/v1.0/projects/{p}/direct_costs"),
        ("/rest/v1.1/projects/{p}/submittals", "/rest/v1.0/projects/{p}/submittals"),
        ("/rest/v1.0/projects/{p}/vendors", "/rest/v1.1/projects/{p}/vendors"),
    ],
)
def test_documented_alternate_versions_serve_the_same_records(client, company, path, alias):
    project_id = _first_project(company)
    main = client(path.format(p=project_id), per_page=1000)
    other = client(alias.format(p=project_id), per_page=1000)
    assert main.status_code == other.status_code == 200
    assert main.content == other.content and main.json()
