from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox import ProcoreSandbox, SandboxSettings
from tests.rest_client import client_credentials_token

CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}


@pytest.fixture
def get(sandbox, company):
    token = client_credentials_token(sandbox)

    def get(path, params=None, headers=None, **kwargs):
        sent = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company.company_id)}
        sent.update(headers or {})
        return requests.get(f"{sandbox.base_url}{path}", params=params, headers=sent, **kwargs)

    return get


def _links(response):
    links = {}
    for part in response.headers.get("Link", "").split(","):
        if part.strip():
            url, rel = part.split(";")
            links[rel.strip().removeprefix('rel="').removesuffix('"')] = url.strip()[1:-1]
    return links


def _project_ids(company, active=None):
    return [p["id"] for p in company.projects if active is None or p["active"] == active]


@pytest.mark.parametrize("encoding", ["data", "json", "files"])
def test_the_token_endpoint_accepts_form_json_and_multipart_bodies(sandbox, encoding):
    fields = {"grant_type": "client_credentials", **CLIENT}
    body = {key: (None, value) for key, value in fields.items()} if encoding == "files" else fields
    response = requests.post(f"{sandbox.login_url}/oauth/token", **{encoding: body})
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 5400
    assert isinstance(token["created_at"], int)
    assert "refresh_token" not in token


def test_a_wrong_client_secret_gets_invalid_client(sandbox):
    response = requests.post(
        f"{sandbox.login_url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT["client_id"],
            "client_secret": "x",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_unsupported_grant_gets_a_400(sandbox):
    response = requests.post(f"{sandbox.login_url}/oauth/token", data={"grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_requests_without_a_valid_bearer_token_get_401(sandbox, company, authorization):
    headers = {"Procore-Company-Id": str(company.company_id)}
    if authorization:
        headers["Authorization"] = authorization
    response = requests.get(f"{sandbox.base_url}/rest/v1.0/companies", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"errors": "The access token is invalid"}
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_gets_401(company):
    settings = SandboxSettings(token_ttl_seconds=0)
    with ProcoreSandbox(company, settings) as sandbox:
        token = client_credentials_token(sandbox)
        response = requests.get(
            f"{sandbox.base_url}/rest/v1.0/companies", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 401


def test_strict_mode_rejects_a_request_without_the_company_header(get):
    response = get("/rest/v1.0/companies", headers={"Procore-Company-Id": ""})
    assert response.status_code == 400
    assert response.json() == {"errors": "Missing Procore-Company-Id header!"}


def test_lenient_mode_serves_a_request_without_the_company_header(company):
    with ProcoreSandbox(company) as sandbox:
        response = requests.get(
            f"{sandbox.base_url}/rest/v1.0/companies",
            headers={"Authorization": f"Bearer {client_credentials_token(sandbox)}"},
        )
    assert response.status_code == 200
    assert response.json() == [company.company]


def test_a_company_the_app_is_not_connected_to_gets_403(get):
    response = get("/rest/v1.0/companies", headers={"Procore-Company-Id": "1"})
    assert response.status_code == 403
    assert response.json() == {"errors": "App is not connected to this company"}


def test_every_response_is_utf8_json(get):
    for response in (get("/rest/v1.0/companies"), get("/rest/v1.0/nothing-here")):
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert get("/rest/v1.0/nothing-here").status_code == 404


def test_projects_need_a_company_id_and_hide_other_companies(get, company):
    assert get("/rest/v1.0/projects").status_code == 400
    assert get("/rest/v1.0/projects", {"company_id": 1}).status_code == 404


def test_projects_list_only_active_ones_unless_asked_for_all(get, company):
    listed = get("/rest/v1.0/projects", {"company_id": company.company_id}).json()
    assert [p["id"] for p in listed] == _project_ids(company, active=True)
    params = {"company_id": company.company_id, "filters[by_status]": "All"}
    assert [p["id"] for p in get("/rest/v1.0/projects", params).json()] == _project_ids(company)
    params["filters[by_status]"] = "Inactive"
    inactive = [p["id"] for p in get("/rest/v1.0/projects", params).json()]
    assert inactive == _project_ids(company, active=False)


def test_rfis_of_a_project_outside_the_company_are_not_found(get):
    assert get("/rest/v1.0/projects/1/rfis").status_code == 404


def test_pages_carry_total_per_page_and_links_that_keep_every_parameter(get, company):
    project_id = company.projects[0]["id"]
    rfis = company.rfis_by_project[project_id]
    params = {"per_page": 7, "filters[updated_at]": "2000-01-01...2100-01-01", "page": 2}
    response = get(f"/rest/v1.0/projects/{project_id}/rfis", params)
    assert response.headers["Total"] == str(len(rfis))
    assert response.headers["Per-Page"] == "7"
    links = _links(response)
    assert set(links) == {"first", "prev", "next", "last"}
    for url in links.values():
        query = parse_qs(urlsplit(url).query)
        assert url.startswith("http://127.0.0.1:")
        assert query["per_page"] == ["7"]
        assert query["filters[updated_at]"] == ["2000-01-01...2100-01-01"]
    assert parse_qs(urlsplit(links["last"]).query)["page"] == [str(-(-len(rfis) // 7))]


def test_following_next_links_returns_every_record_once(sandbox, get, company):
    project_id = company.projects[1]["id"]
    seen = []
    response = get(f"/rest/v1.0/projects/{project_id}/rfis", {"per_page": 9})
    assert "prev" not in _links(response) and "first" not in _links(response)
    while True:
        seen.extend(rfi["id"] for rfi in response.json())
        next_url = _links(response).get("next")
        if next_url is None:
            break
        response = get(next_url.removeprefix(sandbox.base_url))
    assert seen == [rfi["id"] for rfi in company.rfis_by_project[project_id]]


def test_a_page_past_the_end_is_empty(get, company):
    project_id = company.projects[0]["id"]
    response = get(f"/rest/v1.0/projects/{project_id}/rfis", {"page": 999})
    assert response.status_code == 200
    assert response.json() == []


def test_per_page_defaults_to_100_and_is_clamped_to_the_maximum(company):
    settings = SandboxSettings(max_per_page=25)
    with ProcoreSandbox(company, settings) as sandbox:
        headers = {"Authorization": f"Bearer {client_credentials_token(sandbox)}"}
        url = f"{sandbox.base_url}/rest/v1.0/projects/{company.projects[0]['id']}/rfis"
        assert requests.get(url, headers=headers).headers["Per-Page"] == "25"
        clamped = requests.get(url, params={"per_page": 5000}, headers=headers)
    assert clamped.headers["Per-Page"] == "25"
    assert len(clamped.json()) == 25
    assert SandboxSettings().default_per_page == 100


@pytest.mark.parametrize(
    "window",
    [
        "{start:%Y-%m-%d}...{end:%Y-%m-%d}",
        "{start:%Y-%m-%dT%H:%M:%SZ}...{end:%Y-%m-%dT%H:%M:%SZ}",
        "{start_local:%Y-%m-%dT%H:%M:%S+02:00}...{end_local:%Y-%m-%dT%H:%M:%S+02:00}",
    ],
)
def test_updated_at_filters_accept_the_three_documented_formats(get, company, window):
    from datetime import timedelta

    project_id = company.projects[0]["id"]
    rfis = company.rfis_by_project[project_id]
    start, end = company.clock - timedelta(days=40), company.clock - timedelta(days=10)
    value = window.format(
        start=start,
        end=end,
        start_local=start + timedelta(hours=2),
        end_local=end + timedelta(hours=2),
    )
    listed = get(f"/rest/v1.0/projects/{project_id}/rfis", {"filters[updated_at]": value}).json()

    def inside(rfi):
        if "T" in value:
            return (
                start.strftime("%Y-%m-%dT%H:%M:%SZ")
                <= rfi["updated_at"]
                <= end.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
        return f"{start:%Y-%m-%d}" <= rfi["updated_at"][:10] <= f"{end:%Y-%m-%d}"

    expected = [rfi["id"] for rfi in rfis if inside(rfi)]
    assert expected, "the window should not be empty"
    assert [rfi["id"] for rfi in listed] == expected


@pytest.mark.parametrize(
    "query",
    [
        "filters[id][]={a}&filters[id][]={b}",
        "filters[id]={a}&filters[id]={b}",
        "filters[id]=[{a},{b}]",
        "filters[id]={a},{b}",
    ],
)
def test_id_filters_accept_every_array_form(get, company, query):
    project_id = company.projects[0]["id"]
    first, second = (rfi["id"] for rfi in company.rfis_by_project[project_id][3:5])
    response = get(f"/rest/v1.0/projects/{project_id}/rfis?{query.format(a=first, b=second)}")
    assert [rfi["id"] for rfi in response.json()] == [first, second]


def test_rfis_filter_on_status(get, company):
    project_id = company.projects[0]["id"]
    listed = get(f"/rest/v1.0/projects/{project_id}/rfis", {"filters[status]": "open"}).json()
    expected = [r["id"] for r in company.rfis_by_project[project_id] if r["status"] == "open"]
    assert [rfi["id"] for rfi in listed] == expected


def test_served_records_hide_the_generators_private_keys(get, company):
    params = {"company_id": company.company_id, "filters[by_status]": "All"}
    for project in get("/rest/v1.0/projects", params).json():
        assert not any(key.startswith("_") for key in project)


def _user_token(sandbox):
    redirect = "urn:ietf:wg:oauth:2.0:oob"
    code = requests.get(
        f"{sandbox.login_url}/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT["client_id"],
            "redirect_uri": redirect,
        },
    ).json()["code"]
    fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
    response = requests.post(f"{sandbox.login_url}/oauth/token", data={**fields, **CLIENT})
    return response.json()["access_token"]


@pytest.mark.parametrize("path", ["/rest/v1.0/me", "/rest/v1.0/companies"])
def test_strict_mode_lets_a_user_token_call_me_and_companies_without_the_header(sandbox, path):
    response = requests.get(
        f"{sandbox.base_url}{path}", headers={"Authorization": f"Bearer {_user_token(sandbox)}"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/rest/v1.0/me", "/rest/v1.0/companies"])
def test_strict_mode_wants_the_header_from_a_dmsa_token_even_on_me_and_companies(sandbox, path):
    response = requests.get(
        f"{sandbox.base_url}{path}",
        headers={"Authorization": f"Bearer {client_credentials_token(sandbox)}"},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": "Missing Procore-Company-Id header!"}


def test_strict_mode_wants_the_header_from_a_user_token_elsewhere(sandbox, company):
    response = requests.get(
        f"{sandbox.base_url}/rest/v1.0/projects",
        params={"company_id": company.company_id},
        headers={"Authorization": f"Bearer {_user_token(sandbox)}"},
    )
    assert response.status_code == 400


def test_lenient_mode_serves_a_dmsa_token_without_the_header_on_me(company):
    with ProcoreSandbox(company) as sandbox:
        response = requests.get(
            f"{sandbox.base_url}/rest/v1.0/me",
            headers={"Authorization": f"Bearer {client_credentials_token(sandbox)}"},
        )
    assert response.status_code == 200
    assert response.json()["login"] == "sandbox-client-id@dmsa"


def test_me_names_the_user_of_a_user_token_only_when_a_company_is_given(sandbox, company):
    headers = {
        "Authorization": f"Bearer {_user_token(sandbox)}",
        "Procore-Company-Id": str(company.company_id),
    }
    url = f"{sandbox.base_url}/rest/v1.0/me"
    plain = requests.get(url, headers=headers).json()
    named = requests.get(url, params={"company_id": company.company_id}, headers=headers).json()
    user = company.users[0]
    assert plain == {"id": user["id"], "login": user["login"], "name": ""}
    assert named["name"] == user["name"]


def test_a_tool_disabled_in_a_project_answers_403(company):
    disabled, enabled = company.projects[0]["id"], company.projects[1]["id"]
    settings = SandboxSettings(disabled_tools={disabled: {"rfis"}})
    with ProcoreSandbox(company, settings) as sandbox:
        headers = {"Authorization": f"Bearer {client_credentials_token(sandbox)}"}
        refused = requests.get(
            f"{sandbox.base_url}/rest/v1.0/projects/{disabled}/rfis", headers=headers
        )
        served = requests.get(
            f"{sandbox.base_url}/rest/v1.0/projects/{enabled}/rfis", headers=headers
        )
        assert sandbox.check_tool_enabled(disabled, "submittals") is None
    assert refused.status_code == 403
    assert refused.json() == {"errors": "You do not have permission to access this resource"}
    assert served.status_code == 200


def test_a_wrong_method_gets_405_and_an_unknown_path_404(get, sandbox, company):
    response = requests.post(
        f"{sandbox.base_url}/rest/v1.0/companies",
        headers={"Procore-Company-Id": str(company.company_id)},
    )
    assert response.status_code == 405
    assert response.json() == {"errors": "Method Not Allowed"}
    missing = get("/rest/v1.0/nothing-here")
    assert missing.json() == {"errors": "Not Found"}


def test_a_bug_in_the_sandbox_answers_a_json_500(sandbox, get, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(sandbox, "handle", broken)
    response = get("/rest/v1.0/companies")
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"errors": "Internal Server Error"}


def test_the_doorkeeper_401_body_is_a_setting(company):
    with ProcoreSandbox(company, SandboxSettings(doorkeeper_401_body=True)) as sandbox:
        response = requests.get(f"{sandbox.base_url}/rest/v1.0/companies")
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_token",
        "error_description": "The access token is invalid",
    }


def test_advancing_the_running_sandbox_moves_its_clock_and_runs_the_hooks(company):
    seen = []
    with ProcoreSandbox(company) as sandbox:
        sandbox.after_advance.append(lambda advanced: seen.append(advanced.clock))
        before = company.clock
        response = requests.post(f"{sandbox.base_url}/_sandbox/advance", params={"days": 2})
        refused = requests.post(f"{sandbox.base_url}/_sandbox/advance", params={"days": -1})
    assert response.status_code == 200
    assert company.clock - before == timedelta(days=2)
    assert response.json() == {"clock": company.clock.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert seen == [company.clock]
    assert refused.status_code == 400


def _raw_exchange(sandbox, request: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it."""
    import socket

    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_one_connection_carries_several_requests_until_the_client_asks_to_close(sandbox):
    ask = b"GET /rest/v1.0/companies HTTP/1.1\r\nHost: sandbox\r\n"
    answers = _raw_exchange(sandbox, ask + b"\r\n" + ask + b"Connection: close\r\n\r\n")

    # Both answered (401: no token), and the server closed after the second.
    assert answers.count(b"HTTP/1.1 401") == 2


def test_a_header_line_without_a_colon_is_a_bad_request(sandbox):
    answer = _raw_exchange(sandbox, b"GET /rest/v1.0/companies HTTP/1.1\r\nno colon here\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400")
