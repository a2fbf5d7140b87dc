"""Fault injection through the sandbox's real HTTP server."""

import time

import pytest
import requests

from sandbox import ProcoreSandbox, SandboxSettings
from sandbox.faults import Fault, FaultKind, FaultPlan
from tests.rest_client import client_credentials_token

CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
JSON = "application/json; charset=utf-8"


@pytest.fixture
def get(sandbox, company):
    headers = {
        "Authorization": f"Bearer {client_credentials_token(sandbox)}",
        "Procore-Company-Id": str(company.company_id),
    }

    def get(path="/rest/v1.0/companies", **kwargs):
        return requests.get(f"{sandbox.base_url}{path}", headers=headers, **kwargs)

    return get


@pytest.fixture
def rfis_path(company):
    return f"/rest/v1.0/projects/{company.projects[0]['id']}/rfis"


def test_no_faults_are_injected_by_default(sandbox, get):
    assert all(get().status_code == 200 for _ in range(5))
    assert sandbox.faults.injected == []


@pytest.mark.parametrize(
    ("status", "message"),
    [(500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")],
)
def test_a_scheduled_error_hits_only_the_nth_matching_request(
    sandbox, get, rfis_path, status, message
):
    sandbox.faults.schedule(Fault.error(status), path=r"/rfis$", nth=2)
    assert get(rfis_path).status_code == 200
    assert get().status_code == 200  # another path: not counted
    failed = get(rfis_path)
    assert failed.status_code == status
    assert failed.headers["Content-Type"] == JSON
    assert failed.json() == {"errors": message}
    assert get(rfis_path).status_code == 200
    assert [(f.path, f.status) for f in sandbox.faults.injected] == [(rfis_path, status)]


def test_a_scheduled_fault_can_last_several_requests(sandbox, get):
    sandbox.faults.schedule(Fault.error(503, retry_after=2), nth=1, times=2)
    responses = [get() for _ in range(3)]
    assert [r.status_code for r in responses] == [503, 503, 200]
    assert responses[0].headers["Retry-After"] == "2"


def test_faults_can_come_with_the_settings(company):
    plan = FaultPlan().schedule(Fault.error(500), path="^/oauth/token$")
    with ProcoreSandbox(company, SandboxSettings(faults=plan)) as sandbox:
        fields = {"grant_type": "client_credentials", **CLIENT}
        url = f"{sandbox.login_url}/oauth/token"
        assert requests.post(url, data=fields).status_code == 500
        assert requests.post(url, data=fields).status_code == 200
        assert sandbox.request_count == 2


def _random_statuses(company, seed):
    plan = FaultPlan(seed=seed).randomly(Fault.error(500), probability=0.3)
    with ProcoreSandbox(company, SandboxSettings(faults=plan)) as sandbox:
        headers = {
            "Authorization": f"Bearer {client_credentials_token(sandbox)}",
            "Procore-Company-Id": str(company.company_id),
        }
        url = f"{sandbox.base_url}/rest/v1.0/companies"
        return [requests.get(url, headers=headers).status_code for _ in range(30)]


def test_random_faults_are_reproducible_from_their_seed(company):
    first = _random_statuses(company, seed=4)
    assert first == _random_statuses(company, seed=4)
    assert 0 < first.count(500) < 30
    assert set(first) == {200, 500}
    assert first != _random_statuses(company, seed=5)


def test_a_rate_limit_storm_answers_429s_with_the_rate_limit_headers(sandbox, get):
    sandbox.faults.rate_limit_storm(3, retry_after=2)
    responses = [get() for _ in range(4)]
    assert [r.status_code for r in responses] == [429, 429, 429, 200]
    storm = responses[0]
    assert storm.headers["Content-Type"] == JSON
    assert storm.headers["X-Rate-Limit-Remaining"] == "0"
    assert storm.headers["Retry-After"] == "2"
    assert int(storm.headers["X-Rate-Limit-Reset"]) <= time.time() + 3
    assert storm.json()["errors"].startswith("You have surpassed")


def test_a_connection_reset_mid_body_fails_in_the_client_and_the_server_lives_on(
    sandbox, get, rfis_path
):
    sandbox.faults.schedule(Fault.connection_reset(), path=r"/rfis$")
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        get(rfis_path).json()
    response = get(rfis_path)
    assert response.status_code == 200
    assert response.json()
    assert sandbox.faults.injected[0].kind is FaultKind.CONNECTION_RESET


def test_a_connection_reset_also_breaks_a_streamed_read(sandbox, get, rfis_path):
    sandbox.faults.schedule(Fault.connection_reset(keep_fraction=0.3), path=r"/rfis$")
    response = get(rfis_path, stream=True)
    assert response.status_code == 200  # the headers arrived whole
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        b"".join(response.iter_content(1024))


def test_a_slow_response_trips_a_client_timeout(sandbox, get):
    sandbox.faults.schedule(Fault.slow(0.6))
    with pytest.raises(requests.Timeout):
        get(timeout=0.2)
    time.sleep(0.5)  # let the slow answer finish before the sandbox stops


def test_a_slow_response_still_answers_normally_to_a_patient_client(sandbox, get, company):
    # The delay itself is shown by the timeout test above; here, that it is only a delay.
    sandbox.faults.schedule(Fault.slow(0.3))
    response = get(timeout=30)
    assert response.status_code == 200
    assert response.json() == [company.company]
    assert [fault.kind for fault in sandbox.faults.injected] == [FaultKind.SLOW]


def test_a_truncated_json_body_fails_to_decode(sandbox, get, rfis_path):
    sandbox.faults.schedule(Fault.truncated_json(), path=r"/rfis$")
    response = get(rfis_path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert response.content.startswith(b"[{")
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    assert get(rfis_path).json()


def test_the_first_rule_added_wins_but_every_rule_counts(sandbox, get):
    sandbox.faults.schedule(Fault.error(500), nth=1)
    sandbox.faults.schedule(Fault.error(502), nth=1, times=2)
    assert [get().status_code for _ in range(3)] == [500, 502, 502]


def test_clearing_the_plan_stops_the_faults(sandbox, get):
    sandbox.faults.schedule(Fault.error(500), times=None)
    assert get().status_code == 500
    sandbox.faults.clear()
    assert get().status_code == 200
