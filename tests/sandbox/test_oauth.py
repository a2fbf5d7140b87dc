"""The sandbox's OAuth endpoints, through real HTTP."""

import base64
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sandbox import ProcoreSandbox, SandboxSettings
from tests.rest_client import client_credentials_token

CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
REDIRECT = "https://app.example.com/callback?tenant=7"
OOB = "urn:ietf:wg:oauth:2.0:oob"


def _post(sandbox, path, **kwargs):
    return requests.post(f"{sandbox.login_url}{path}", **kwargs)


def _authorize(sandbox, redirect_uri=REDIRECT, **params):
    query = {"response_type": "code", "client_id": CLIENT["client_id"]}
    query.update(redirect_uri=redirect_uri, **params)
    return requests.get(f"{sandbox.login_url}/oauth/authorize", params=query, allow_redirects=False)


def _code(sandbox, redirect_uri=REDIRECT):
    location = _authorize(sandbox, redirect_uri).headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def _exchange(sandbox, code, redirect_uri=REDIRECT, encoding="data", **overrides):
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        **CLIENT,
        **overrides,
    }
    return _post(sandbox, "/oauth/token", **{encoding: fields})


def _user_tokens(sandbox):
    response = _exchange(sandbox, _code(sandbox))
    assert response.status_code == 200, response.text
    return response.json()


def _refresh(sandbox, refresh_token, **overrides):
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, **CLIENT}
    fields.update(redirect_uri=REDIRECT, **overrides)
    return _post(sandbox, "/oauth/token", data=fields)


def _me(sandbox, company, access_token):
    return requests.get(
        f"{sandbox.base_url}/rest/v1.0/me",
        headers={
            "Authorization": f"Bearer {access_token}",
            "Procore-Company-Id": str(company.company_id),
        },
    )


def test_authorize_redirects_to_the_redirect_uri_with_a_code_and_the_state(sandbox):
    response = _authorize(sandbox, state="xyz-123")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT.split("?")[0]
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-123"]
    assert query["tenant"] == ["7"]  # the redirect URI's own query survives
    assert query["code"][0]


def test_authorize_out_of_band_returns_the_code_in_the_body(sandbox):
    response = _authorize(sandbox, OOB, state="s")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["state"] == "s"
    assert _exchange(sandbox, body["code"], OOB).status_code == 200


def test_authorize_refuses_an_unknown_client_without_redirecting(sandbox):
    response = requests.get(
        f"{sandbox.login_url}/oauth/authorize",
        params={"response_type": "code", "client_id": "who", "redirect_uri": REDIRECT},
        allow_redirects=False,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_authorize_redirects_an_unsupported_response_type_as_an_error(sandbox):
    response = _authorize(sandbox, response_type="token", state="s")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["unsupported_response_type"]
    assert query["state"] == ["s"]


@pytest.mark.parametrize("encoding", ["data", "json", "files"])
def test_a_code_exchange_returns_an_access_and_a_refresh_token(sandbox, company, encoding):
    code = _code(sandbox)
    if encoding == "files":
        fields = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        body = {key: (None, value) for key, value in {**fields, **CLIENT}.items()}
        response = _post(sandbox, "/oauth/token", files=body)
    else:
        response = _exchange(sandbox, code, encoding=encoding)
    assert response.status_code == 200
    token = response.json()
    assert set(token) == {"access_token", "token_type", "expires_in", "created_at", "refresh_token"}
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 5400
    assert abs(token["created_at"] - time.time()) < 5
    assert _me(sandbox, company, token["access_token"]).status_code == 200


def test_an_authorization_code_works_only_once(sandbox):
    code = _code(sandbox)
    assert _exchange(sandbox, code).status_code == 200
    again = _exchange(sandbox, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_an_authorization_code_expires(company):
    with ProcoreSandbox(company, SandboxSettings(authorization_code_ttl_seconds=0)) as sandbox:
        response = _exchange(sandbox, _code(sandbox))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_exchange_needs_the_same_redirect_uri(sandbox):
    response = _exchange(sandbox, _code(sandbox), redirect_uri="https://elsewhere.example.com/")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_exchange_with_a_wrong_secret_is_an_invalid_client(sandbox):
    response = _exchange(sandbox, _code(sandbox), client_secret="nope")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"]


def test_clients_may_authenticate_with_http_basic(sandbox):
    credentials = base64.b64encode(
        f"{CLIENT['client_id']}:{CLIENT['client_secret']}".encode()
    ).decode()
    response = _post(
        sandbox,
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {credentials}"},
    )
    assert response.status_code == 200


def test_a_refresh_returns_a_new_access_token_and_a_new_refresh_token(sandbox, company):
    first = _user_tokens(sandbox)
    response = _refresh(sandbox, first["refresh_token"])
    assert response.status_code == 200
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["token_type"] == "bearer"
    assert _me(sandbox, company, second["access_token"]).status_code == 200


def test_a_refresh_token_works_only_once(sandbox):
    first = _user_tokens(sandbox)
    assert _refresh(sandbox, first["refresh_token"]).status_code == 200
    again = _refresh(sandbox, first["refresh_token"])
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid",
    }


def test_a_failed_refresh_still_uses_the_refresh_token_up(sandbox):
    tokens = _user_tokens(sandbox)
    failed = _refresh(sandbox, tokens["refresh_token"], client_secret="wrong")
    assert failed.status_code == 401
    assert _refresh(sandbox, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_refresh_retires_the_previous_access_token(sandbox, company):
    first = _user_tokens(sandbox)
    _refresh(sandbox, first["refresh_token"])
    assert _me(sandbox, company, first["access_token"]).status_code == 401


def test_the_previous_access_token_may_live_on_when_configured(company):
    settings = SandboxSettings(revoke_access_token_on_refresh=False)
    with ProcoreSandbox(company, settings) as sandbox:
        first = _user_tokens(sandbox)
        _refresh(sandbox, first["refresh_token"])
        assert _me(sandbox, company, first["access_token"]).status_code == 200


def test_a_client_credentials_token_cannot_be_refreshed(sandbox):
    response = _refresh(sandbox, client_credentials_token(sandbox))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_token_stops_working_when_its_lifetime_is_over(company):
    with ProcoreSandbox(company, SandboxSettings(token_ttl_seconds=1)) as sandbox:
        token = _post(
            sandbox, "/oauth/token", data={"grant_type": "client_credentials", **CLIENT}
        ).json()
        assert token["expires_in"] == 1
        assert _me(sandbox, company, token["access_token"]).status_code == 200
        time.sleep(1.1)
        expired = _me(sandbox, company, token["access_token"])
    assert expired.status_code == 401
    assert expired.json() == {"errors": "The access token is invalid"}
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]


def test_an_expired_user_token_can_still_be_refreshed(company):
    with ProcoreSandbox(company, SandboxSettings(token_ttl_seconds=0)) as sandbox:
        tokens = _user_tokens(sandbox)
        assert _me(sandbox, company, tokens["access_token"]).status_code == 401
        # Refresh tokens do not expire until used.
        assert _refresh(sandbox, tokens["refresh_token"]).status_code == 200


def test_token_info_describes_a_user_token(sandbox, company):
    tokens = _user_tokens(sandbox)
    response = requests.get(
        f"{sandbox.login_url}/oauth/token/info",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert response.status_code == 200
    info = response.json()
    assert info["resource_owner_id"] == company.users[0]["id"]
    assert info["application"] == {"uid": CLIENT["client_id"]}
    assert 5390 <= info["expires_in_seconds"] <= 5400
    assert info["created_at"] == tokens["created_at"]
    assert info["scope"] == []


def test_token_info_of_a_service_account_has_no_resource_owner(sandbox):
    response = requests.get(
        f"{sandbox.login_url}/oauth/token/info",
        headers={"Authorization": f"Bearer {client_credentials_token(sandbox)}"},
    )
    assert response.json()["resource_owner_id"] is None


def test_token_info_refuses_an_unknown_token(sandbox):
    response = requests.get(
        f"{sandbox.login_url}/oauth/token/info", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_revoking_an_access_token_kills_it_and_its_refresh_token(sandbox, company):
    tokens = _user_tokens(sandbox)
    response = _post(sandbox, "/oauth/revoke", data={"token": tokens["access_token"], **CLIENT})
    assert response.status_code == 200
    assert _me(sandbox, company, tokens["access_token"]).status_code == 401
    assert _refresh(sandbox, tokens["refresh_token"]).status_code == 400


def test_revoking_a_refresh_token_kills_its_access_token(sandbox, company):
    tokens = _user_tokens(sandbox)
    _post(sandbox, "/oauth/revoke", data={"token": tokens["refresh_token"], **CLIENT})
    assert _me(sandbox, company, tokens["access_token"]).status_code == 401


def test_revoke_answers_200_even_for_an_unknown_token(sandbox):
    response = _post(sandbox, "/oauth/revoke", data={"token": "never-issued", **CLIENT})
    assert response.status_code == 200


def test_revoke_with_a_wrong_secret_answers_200_but_revokes_nothing(sandbox, company):
    token = client_credentials_token(sandbox)
    fields = {"token": token, "client_id": CLIENT["client_id"], "client_secret": "wrong"}
    assert _post(sandbox, "/oauth/revoke", data=fields).status_code == 200
    assert _me(sandbox, company, token).status_code == 200


def test_a_request_without_a_grant_type_is_invalid(sandbox):
    response = _post(sandbox, "/oauth/token", data=CLIENT)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
