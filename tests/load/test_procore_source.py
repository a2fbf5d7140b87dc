from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from load.pipeline import run_load
from load.procore import client, resolve_hosts
from load.procore.errors import ProcoreAPIError, ProcoreAuthError, ProcoreConnectionError
from sandbox.http import Response


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(client, "BACKOFF_SECONDS", 0.01)


# These tests are about companies, projects and RFIs; test_catalog covers every other list.
RFI_LISTS = ["companies", "projects", "rfis"]


def _load(data_dir: Path, **options):
    options.setdefault("resources", RFI_LISTS)
    return run_load(data_dir / "raw.duckdb", data_dir / "pipelines", **options)


def _query(data_dir: Path, sql: str):
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _fail_some_requests(sandbox, should_fail, response):
    """Make the sandbox answer `response` to the requests `should_fail(request)` picks."""
    handle = sandbox.handle
    failures = []

    def flaky(request):
        if should_fail(request):
            failures.append(request.path)
            return response
        return handle(request)

    sandbox.handle = flaky
    return failures


def _is_rfi_page(number):
    return lambda request: request.path.endswith("/rfis") and request.param("page") == str(number)


def test_a_full_load_holds_every_project_and_rfi_of_the_company(data_dir, source_options, company):
    summary = _load(data_dir, **source_options)
    assert summary.table_rows["companies"] == 1
    assert summary.table_rows["projects"] == len(company.projects)
    expected = sorted(
        (rfi["id"], project_id, rfi["status"], rfi["subject"])
        for project_id, rfis in company.rfis_by_project.items()
        for rfi in rfis
    )
    loaded = _query(
        data_dir, "select id, _procore_project_id, status, subject from procore.rfis order by 1"
    )
    assert loaded == expected


def test_inactive_projects_are_loaded_too(data_dir, source_options, company):
    _load(data_dir, **source_options)
    active = _query(data_dir, "select active, count(*) from procore.projects group by 1 order by 1")
    assert active == [(False, 1), (True, 2)]


def test_a_second_load_adds_no_rows_and_asks_for_one_page_per_project(
    data_dir, source_options, sandbox, company
):
    first = _load(data_dir, **source_options, resources=["rfis"])
    requests_before = sandbox.request_count
    second = _load(data_dir, **source_options, resources=["rfis"])
    assert second.table_rows == first.table_rows
    assert second.rows_loaded.get("rfis", 0) < first.rows_loaded["rfis"] / 10
    # token + companies + projects, then one filtered page per project
    assert sandbox.request_count - requests_before == 3 + len(company.projects)


def test_an_incremental_load_merges_changed_rfis(data_dir, source_options, company):
    _load(data_dir, **source_options)
    rfi = next(r for r in company.all_rfis() if r["status"] == "open")
    rfi.update(
        status="closed",
        translated_status="Closed",
        time_resolved=(company.clock + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        updated_at=(company.clock + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ball_in_court=None,
        ball_in_courts=[],
    )
    rows_before = _query(data_dir, "select count(*) from procore.rfis")
    _load(data_dir, **source_options)
    assert _query(data_dir, f"select status from procore.rfis where id = {rfi['id']}") == [
        ("closed",)
    ]
    assert _query(data_dir, "select count(*) from procore.rfis") == rows_before
    # Nested lists are JSON columns of the record's row: the merge replaced the list whole.
    ball_holders = _query(
        data_dir,
        f"select json_array_length(ball_in_courts) from procore.rfis where id = {rfi['id']}",
    )
    assert ball_holders == [(0,)]


def test_a_project_that_appears_later_gets_its_full_history(data_dir, source_options, company):
    hidden = company.projects.pop()
    _load(data_dir, **source_options)
    company.projects.append(hidden)
    _load(data_dir, **source_options)
    loaded = _query(
        data_dir, f"select count(*) from procore.rfis where _procore_project_id = {hidden['id']}"
    )
    assert loaded == [(len(company.rfis_by_project[hidden["id"]]),)]


def test_rfi_ids_land_as_64_bit_integers_and_dates_as_dates(data_dir, source_options, company):
    _load(data_dir, **source_options)
    types = dict(_query(data_dir, "select column_name, column_type from (describe procore.rfis)"))
    assert types["id"] == "BIGINT"
    assert types["due_date"] == "DATE"
    assert types["initiated_at"].startswith("TIMESTAMP")
    assert _query(data_dir, "select max(id) from procore.rfis") == [
        (max(r["id"] for r in company.all_rfis()),)
    ]


@pytest.mark.parametrize(
    "bad_response",
    [
        pytest.param(Response(500, b'{"errors":"Internal Server Error"}'), id="a 500"),
        pytest.param(Response(200, b'[{"id": 1, "subj'), id="a page of garbage"),
    ],
)
def test_a_bad_page_in_the_middle_of_a_walk_is_read_again(
    data_dir, source_options, sandbox, company, bad_response
):
    failures = _fail_some_requests(
        sandbox, lambda request: _is_rfi_page(2)(request) and not failures, bad_response
    )
    summary = _load(data_dir, per_page=10, **source_options)
    assert len(failures) == 1
    assert summary.table_rows["rfis"] == len(company.all_rfis())


def test_a_lasting_outage_fails_in_one_line_and_keeps_earlier_data(
    data_dir, source_options, sandbox
):
    first = _load(data_dir, **source_options)
    _fail_some_requests(
        sandbox,
        lambda request: request.path.endswith("/rfis"),
        Response(503, b'{"errors":"Service Unavailable"}', {"Retry-After": "0"}),
    )
    with pytest.raises(ProcoreAPIError, match="HTTP 503") as failure:
        _load(data_dir, **source_options)
    assert "\n" not in str(failure.value)
    assert _query(data_dir, "select count(*) from procore.rfis") == [(first.table_rows["rfis"],)]


def test_a_wrong_client_secret_fails_in_one_line_and_writes_nothing(data_dir, source_options):
    with pytest.raises(ProcoreAuthError) as failure:
        _load(data_dir, **{**source_options, "client_secret": "wrong-secret"})
    message = str(failure.value)
    assert "invalid_client" in message and "client_secret" in message
    assert "wrong-secret" not in message and "\n" not in message
    assert not (data_dir / "raw.duckdb").exists()


def test_an_unreachable_host_fails_in_one_line(data_dir, source_options):
    options = {**source_options, "base_url": "http://127.0.0.1:9"}
    with pytest.raises(ProcoreConnectionError, match=r"Cannot reach http://127\.0\.0\.1:9"):
        _load(data_dir, **options)
    assert not (data_dir / "raw.duckdb").exists()


def test_a_company_the_credentials_cannot_see_fails_clearly(data_dir, source_options):
    with pytest.raises(ProcoreAPIError, match=r"company 1 .*403") as failure:
        _load(data_dir, **{**source_options, "company_ids": [1]})
    assert "sources.procore.company_ids" in str(failure.value)
    assert "\n" not in str(failure.value)
    assert not (data_dir / "raw.duckdb").exists()


def test_secrets_and_tokens_never_reach_the_raw_file_or_dlt_state(
    data_dir, source_options, sandbox
):
    _load(data_dir, **source_options, resources=None)
    secrets = [sandbox.settings.client_secret.encode(), *(t.encode() for t in sandbox._tokens)]
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(secret in content for secret in secrets), path


def test_environments_map_to_their_documented_hosts():
    assert resolve_hosts("production") == ("https://login.procore.com", "https://api.procore.com")
    assert resolve_hosts("developer_sandbox") == (
        "https://login-sandbox.procore.com",
        "https://sandbox.procore.com",
    )
    assert resolve_hosts("custom", base_url="http://x:1") == ("http://x:1", "http://x:1")
    with pytest.raises(Exception, match="Unknown Procore environment"):
        resolve_hosts("staging")


def test_existing_keys_are_found_by_scope_with_every_key_column():
    from load.procore import _TableKeys

    keys = _TableKeys(pa.table({"scope": [7, 7, 9], "id": [1, 2, 1], "date": ["d1", "d2", "d1"]}))

    assert keys.in_scope(7) == {(1, "d1"), (2, "d2")}
    assert keys.in_scope(9) == {(1, "d1")}
    assert keys.in_scope(8) == set()
    assert _TableKeys().in_scope(7) == set()


def test_existing_keys_of_one_scope_read_in_two_batches_are_all_found():
    from load.procore import _TableKeys

    first = pa.table({"scope": [5, 7], "id": [1, 1]})
    second = pa.table({"scope": [7, 9], "id": [2, 1]})

    keys = _TableKeys(pa.concat_tables([first, second]))

    assert keys.in_scope(7) == {(1,), (2,)}
