"""Rate limiting: windows, headers, 429s and heavy load."""

import time

import pytest
import requests

from sandbox import ProcoreSandbox, SandboxSettings
from sandbox.ratelimit import DOCUMENTED_HOURLY_LIMIT, DOCUMENTED_SPIKE_LIMIT, RateLimiter
from tests.rest_client import client_credentials_token

CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")


def _getter(sandbox, company, company_header=True):
    token = client_credentials_token(sandbox)
    headers = {"Authorization": f"Bearer {token}"}
    if company_header:
        headers["Procore-Company-Id"] = str(company.company_id)

    def get(path="/rest/v1.0/companies", **kwargs):
        return requests.get(f"{sandbox.base_url}{path}", headers=headers, **kwargs)

    return get


@pytest.fixture
def sandbox(company):
    """The sandbox with both documented windows (the shared fixture turns the spike one off)."""
    with ProcoreSandbox(company, SandboxSettings(strict_company_header=True)) as server:
        yield server


@pytest.fixture
def limited(company):
    """A sandbox whose spike window allows 3 requests per 10 s."""
    with ProcoreSandbox(company, SandboxSettings(rate_limit_spike=3)) as server:
        yield server


def test_the_defaults_are_the_documented_limits():
    settings = SandboxSettings()
    assert (DOCUMENTED_HOURLY_LIMIT, DOCUMENTED_SPIKE_LIMIT) == (3600, 25)
    assert settings.rate_limit_hourly == DOCUMENTED_HOURLY_LIMIT
    assert settings.rate_limit_spike == DOCUMENTED_SPIKE_LIMIT


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/rest/v1.0/companies", None, 200),
        ("/rest/v1.0/nowhere", None, 404),
        ("/rest/v1.0/projects", None, 400),
        ("/rest/v1.0/companies", {"Procore-Company-Id": "1"}, 403),
        ("/rest/v1.0/companies", {"Authorization": "Bearer nope"}, 401),
    ],
)
def test_every_rest_response_carries_the_rate_limit_headers(
    sandbox, company, path, headers, status
):
    sent = {
        "Authorization": f"Bearer {client_credentials_token(sandbox)}",
        "Procore-Company-Id": str(company.company_id),
    }
    sent.update(headers or {})
    response = requests.get(f"{sandbox.base_url}{path}", headers=sent)
    assert response.status_code == status
    assert all(name in response.headers for name in RATE_HEADERS)
    # The spike window is reported while it is the one most likely to be hit first.
    assert response.headers["X-Rate-Limit-Limit"] == "25"
    reset = int(response.headers["X-Rate-Limit-Reset"])
    assert time.time() < reset <= time.time() + 11  # Unix epoch seconds, not a duration


def test_remaining_counts_down_with_each_request(sandbox, company):
    get = _getter(sandbox, company)
    remaining = [int(get().headers["X-Rate-Limit-Remaining"]) for _ in range(3)]
    assert remaining == [24, 23, 22]


def test_the_spike_window_is_reported_while_it_is_the_tighter_one(limited, company):
    get = _getter(limited, company)
    response = get()
    assert response.headers["X-Rate-Limit-Limit"] == "3"
    assert response.headers["X-Rate-Limit-Remaining"] == "2"
    assert int(response.headers["X-Rate-Limit-Reset"]) <= time.time() + 11


def test_the_hourly_window_is_reported_once_it_is_nearly_used_up(company):
    settings = SandboxSettings(
        rate_limit_hourly=4, rate_limit_spike=3, rate_limit_spike_seconds=0.3
    )
    with ProcoreSandbox(company, settings) as sandbox:
        get = _getter(sandbox, company)
        early = [get().headers for _ in range(2)]
        time.sleep(0.35)  # a fresh spike window: 2 left in it, but only 1 left in the hour
        late = get().headers
    assert [(h["X-Rate-Limit-Limit"], h["X-Rate-Limit-Remaining"]) for h in early] == [
        ("3", "2"),
        ("3", "1"),
    ]
    assert (late["X-Rate-Limit-Limit"], late["X-Rate-Limit-Remaining"]) == ("4", "1")
    assert int(late["X-Rate-Limit-Reset"]) > time.time() + 3000


def test_an_exhausted_spike_window_answers_429_with_retry_after(limited, company):
    get = _getter(limited, company)
    assert [get().status_code for _ in range(3)] == [200, 200, 200]
    response = get()
    assert response.status_code == 429
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["errors"].startswith("You have surpassed the max number of requests")
    assert response.headers["X-Rate-Limit-Limit"] == "3"
    assert response.headers["X-Rate-Limit-Remaining"] == "0"
    reset = int(response.headers["X-Rate-Limit-Reset"])
    assert time.time() < reset <= time.time() + 11
    assert 1 <= int(response.headers["Retry-After"]) <= 10


def test_retry_after_on_429_can_be_switched_off(company):
    settings = SandboxSettings(rate_limit_spike=1, retry_after_on_429=False)
    with ProcoreSandbox(company, settings) as sandbox:
        get = _getter(sandbox, company)
        get()
        response = get()
    assert response.status_code == 429
    assert "Retry-After" not in response.headers
    assert "X-Rate-Limit-Reset" in response.headers


def test_the_window_opens_again_after_its_reset(company):
    settings = SandboxSettings(rate_limit_spike=2, rate_limit_spike_seconds=0.5)
    with ProcoreSandbox(company, settings) as sandbox:
        get = _getter(sandbox, company)
        assert [get().status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(0.6)
        response = get()
    assert response.status_code == 200
    assert response.headers["X-Rate-Limit-Remaining"] == "1"


def test_limits_are_kept_per_company(company):
    settings = SandboxSettings(rate_limit_spike=2)
    with ProcoreSandbox(company, settings) as sandbox:
        with_header = _getter(sandbox, company)
        without_header = _getter(sandbox, company, company_header=False)
        assert [with_header().status_code for _ in range(3)] == [200, 200, 429]
        # Lenient mode serves it, and it does not name the company: a separate quota.
        assert without_header().status_code == 200


def test_the_login_host_is_not_rate_limited(limited):
    for _ in range(5):
        response = requests.post(
            f"{limited.login_url}/oauth/token", data={"grant_type": "client_credentials", **CLIENT}
        )
        assert response.status_code == 200
        assert "X-Rate-Limit-Limit" not in response.headers


def test_heavy_load_answers_503_with_retry_after_until_switched_off(sandbox, company):
    get = _getter(sandbox, company)
    sandbox.settings.heavy_load = True
    sandbox.settings.heavy_load_retry_after_seconds = 7
    busy = get()
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "7"
    assert busy.headers["Content-Type"] == "application/json; charset=utf-8"
    assert busy.json() == {"errors": "Service Unavailable"}
    assert "X-Rate-Limit-Remaining" in busy.headers
    sandbox.settings.heavy_load = False
    assert get().status_code == 200


def test_rate_limits_can_be_disabled(company):
    settings = SandboxSettings(rate_limit_hourly=None, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        response = _getter(sandbox, company)()
    assert response.status_code == 200
    assert "X-Rate-Limit-Limit" not in response.headers


def test_the_limiter_rolls_its_windows_on_its_own_clock():
    now = [1_000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    states = [limiter.hit("k", 100, 2) for _ in range(3)]
    assert [s.allowed for s in states] == [True, True, False]
    assert states[-1].reset_at == 1_010.0
    assert states[-1].headers(now[0], retry_after=True)["Retry-After"] == "10"
    now[0] = 1_010.0
    assert limiter.hit("k", 100, 2).allowed
    assert limiter.hit("other", 100, 2).remaining == 1


def test_the_longer_wait_is_reported_when_both_windows_are_used_up():
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    limiter.hit("k", 1, 1)
    state = limiter.hit("k", 1, 1)
    assert not state.allowed
    assert state.reset_at == 3600.0
