"""The front door: one company's REST API and share, started together and kept in step."""

import json

import delta_sharing
import pytest
import requests

from sandbox import SandboxSettings, generate_company
from sandbox.front_door import PROFILE_NAME, Sandbox
from sandbox.share import DeltaLog
from tests.conftest import CLOCK
from tests.rest_client import authorised_session


@pytest.fixture
def company():
    return generate_company(seed=3, scale="tiny", clock=CLOCK)


def test_both_doors_open_on_one_company_with_a_profile_to_read_the_share(
    company, tmp_path, monkeypatch
):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Sandbox(company, tmp_path / "share", SandboxSettings(rate_limit_spike=None)) as door:
        assert door.profile == tmp_path / "share" / PROFILE_NAME
        assert json.loads(door.profile.read_text())["endpoint"] == door.share.endpoint
        listed = delta_sharing.SharingClient(str(door.profile)).list_all_tables()
        assert {table.name for table in listed} == set(door.tables)
        with authorised_session(door.rest) as session:
            companies = session.get(f"{door.rest.base_url}/rest/v1.0/companies")
        assert [c["id"] for c in companies.json()] == [company.company_id]


def test_advancing_by_either_way_syncs_the_share(company, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Sandbox(company, tmp_path / "share") as door:
        rfis = door.tables["rfis"]
        assert DeltaLog(rfis).latest_version == 0
        door.advance(5)
        assert DeltaLog(rfis).latest_version == 1
        assert door.last_sync["rfis"]["version"] == 1
        answer = requests.post(f"{door.rest.base_url}/_sandbox/advance?days=5", timeout=30)
        assert answer.status_code == 200
        assert DeltaLog(rfis).latest_version == 2
    assert door.rest.after_advance == [], "a stopped front door leaves no hook behind"


def test_a_previous_runs_tables_are_replaced(company, tmp_path):
    stale = tmp_path / "share" / "tables" / "core" / "old_table"
    stale.mkdir(parents=True)
    with Sandbox(company, tmp_path / "share") as door:
        assert not stale.exists()
        assert all(path.is_dir() for path in door.tables.values())
