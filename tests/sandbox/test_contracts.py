"""Walk every served resource and check its records against the documented shapes.

The contracts in sandbox/contracts were written from Procore's OpenAPI reference; the
generator was written from the same sources. This test is where the two readings must agree.
"""

import re

import jsonschema
import pytest

from sandbox import ProcoreSandbox, SandboxSettings, generate_company
from sandbox.contracts import contract_names, load_contract
from sandbox.served_lists import load_served_lists
from tests.conftest import CLOCK
from tests.rest_client import authorised_session

FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time")
def _procore_timestamp(value: object) -> bool:
    # UTC, whole seconds, a literal Z.
    return not isinstance(value, str) or bool(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value)
    )


@FORMATS.checks("date")
def _procore_date(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value))


@FORMATS.checks("money")
def _procore_money(value: object) -> bool:
    # Money travels as a decimal string such as "45000.0" or "12933.36".
    return not isinstance(value, str) or bool(re.fullmatch(r"-?\d+(\.\d+)?", value))


@pytest.fixture(scope="module")
def served():
    company = generate_company(seed=3, scale="small", clock=CLOCK)
    # This walk asks for every page of every endpoint on purpose: no spike window.
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox, authorised_session(sandbox) as session:
        yield company, sandbox, session


def _requests_for(endpoint, company):
    """Every (path, params) that lists the endpoint's records for the whole company."""
    params = {"company_id": company.company_id, "filters[by_status]": "All"}
    if "include_deleted" in endpoint.filters:
        params["filters[include_deleted]"] = "with"
    if endpoint.date_scope_field:
        params.update(start_date="2000-01-01", end_date=CLOCK.date().isoformat())
    path = endpoint.path.replace("{company_id}", str(company.company_id))
    if endpoint.scope == "company":
        return [(path, params)]
    if endpoint.scope == "project":
        listed = [
            (path.replace("{project_id}", str(p["id"])), {**params, "project_id": p["id"]})
            for p in company.projects
        ]
        if "contract_id" in endpoint.required_params:
            # Change order requests are listed per contract: ask for every contract.
            contracts = [
                contract
                for resource in (
                    "prime_contracts",
                    "work_order_contracts",
                    "purchase_order_contracts",
                )
                for contract in company.rows(resource)
            ]
            listed = [
                (path, {**query, "contract_id": contract["id"]})
                for path, query in listed
                for contract in contracts
                if contract.get("_project_id") == query["project_id"]
            ]
        return listed
    return [
        (
            path.replace("{project_id}", str(parent.get("_project_id"))).replace(
                "{" + endpoint.parent_param + "}", str(parent["id"])
            ),
            {**params, "project_id": parent.get("_project_id")},
        )
        for parent in company.rows(endpoint.parent_resource)[:40]
    ]


def _records(body, endpoint):
    if endpoint.envelope == "grouped_meetings":
        return [meeting for group in body for meeting in group["meetings"]]
    return body


@pytest.mark.parametrize("resource", contract_names())
def test_every_served_record_has_the_documented_fields_and_types(served, resource):
    company, sandbox, session = served
    endpoint = next(e for e in load_served_lists() if e.resource == resource)
    validator = jsonschema.Draft202012Validator(load_contract(resource), format_checker=FORMATS)
    seen = 0
    for path, params in _requests_for(endpoint, company):
        page = 1
        while True:
            response = session.get(
                f"{sandbox.base_url}{path}", params={**params, "per_page": 500, "page": page}
            )
            assert response.status_code == 200, (path, response.text[:200])
            records = _records(response.json(), endpoint)
            for record in records:
                errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
                assert not errors, f"{resource} {record.get('id')}: {errors[0].message}"
            seen += len(records)
            if not endpoint.paginated or len(records) < 500:
                break
            page += 1
    assert seen > 0, f"the sandbox serves no {resource} to check"


def test_every_contract_names_an_official_versioned_path():
    for endpoint in load_served_lists():
        assert re.fullmatch(r"/rest/v1\.\d(/[a-z_{}]+)+", endpoint.path), endpoint.path
        assert endpoint.scope in {"company", "project", "parent"}
        if endpoint.scope == "parent":
            assert endpoint.parent_resource in contract_names()
