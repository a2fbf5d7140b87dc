"""Same seed and clock, same pages, byte for byte."""

from sandbox import ProcoreSandbox, SandboxSettings, generate_company
from sandbox.served_lists import load_served_lists
from tests.conftest import CLOCK
from tests.rest_client import authorised_session


def _first_pages(seed: int) -> dict[str, bytes]:
    company = generate_company(seed=seed, scale="small", clock=CLOCK)
    # One request per endpoint, more than a spike window allows: no spike window.
    settings = SandboxSettings(rate_limit_spike=None)
    pages = {}
    with (
        ProcoreSandbox(company, settings) as sandbox,
        authorised_session(sandbox, False) as session,
    ):
        for endpoint in load_served_lists():
            project_id = company.projects[0]["id"]
            path = endpoint.path.replace("{company_id}", str(company.company_id))
            if endpoint.scope == "parent":
                parent = company.rows(endpoint.parent_resource)[0]
                project_id = parent.get("_project_id", project_id)
                path = path.replace("{" + endpoint.parent_param + "}", str(parent["id"]))
            contract_id = None
            if "contract_id" in endpoint.required_params:
                # Listed per contract, and only three-tier projects have them.
                first = company.rows(endpoint.resource)[0]
                project_id = first["_project_id"]
                contract_id = first.get("contract_id", first.get("_contract_id"))
            path = path.replace("{project_id}", str(project_id))
            params = {
                "company_id": company.company_id,
                "contract_id": contract_id,
                "project_id": project_id,
                "per_page": 1000,
                "start_date": "2000-01-01",
                "end_date": CLOCK.date().isoformat(),
            }
            pages[endpoint.resource] = session.get(
                f"{sandbox.base_url}{path}", params=params
            ).content
    return pages


def test_the_same_seed_serves_the_same_bytes_on_every_endpoint():
    first, second = _first_pages(5), _first_pages(5)
    assert first == second
    empty = [name for name, body in first.items() if body == b"[]" or b'"errors"' in body]
    assert not empty, f"every endpoint should serve records: {empty}"


def test_another_seed_serves_other_bytes():
    assert _first_pages(5)["rfis"] != _first_pages(6)["rfis"]
