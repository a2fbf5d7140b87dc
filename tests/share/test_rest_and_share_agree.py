"""One company, two doors: the REST API and the Delta Share must report the same figures."""

from collections import Counter, defaultdict
from decimal import Decimal

import delta_sharing
import pytest

from sandbox import SandboxSettings, generate_company
from sandbox.front_door import Sandbox
from tests.conftest import CLOCK
from tests.rest_client import authorised_session

pytestmark = pytest.mark.slow

# Every "Pending - ..." status rolls up into pending changes.
PENDING = {"pending", "revised", "pricing", "not_pricing", "proceeding", "not_proceeding"}
# REST Standard Budget detail row field -> its budget_view_standard_columns figure.
BUDGET_FIGURES = {
    "original_budget_amount": "original_budget_amount_project_currency",
    "Approved COs": "approved_co_amount_sum_project_currency",
    "Revised Budget": "revised_budget_sum_project_currency",
    "Pending Budget Changes": "pending_co_sum_project_currency",
    "Committed Costs": "committed_costs_sum_project_currency",
    "Direct Costs": "direct_cost_total_amount_sum_project_currency",
    "Pending Cost Changes": "pending_cost_changes_sum_project_currency",
    "Projected over Under": "projected_over_under_sum_project_currency",
}


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else Decimal(0)


def _status_group(status: str) -> str | None:
    status = status.lower()
    if status == "approved":
        return "approved"
    return "pending" if status in PENDING else None


def _every_page(session, url, **params):
    page, rows = 1, []
    while True:
        response = session.get(url, params={**params, "per_page": 1000, "page": page})
        response.raise_for_status()
        batch = response.json()
        rows += batch
        if "Total" not in response.headers or len(batch) < 1000:
            return rows
        page += 1


def _rest(sandbox, company):
    """Budget figures per budget line, money totals and record counts per project, by REST."""
    lines, totals, counts = {}, defaultdict(Decimal), Counter()
    base = sandbox.base_url
    with authorised_session(sandbox) as session:
        for project in company.projects:
            pid = project["id"]
            for view in _every_page(session, f"{base}/rest/v1.0/budget_views", project_id=pid):
                url = f"{base}/rest/v1.0/budget_views/{view['id']}/detail_rows"
                for row in _every_page(session, url, project_id=pid):
                    lines[row["id"]] = {key: _money(row[key]) for key in BUDGET_FIGURES}
            for resource in ("work_order_contracts", "purchase_order_contracts"):
                for contract in _every_page(
                    session, f"{base}/rest/v1.0/{resource}", project_id=pid
                ):
                    totals[(pid, "commitments", "grand_total")] += _money(contract["grand_total"])
            for kind in ("prime_change_orders", "commitment_change_orders"):
                for order in _every_page(session, f"{base}/rest/v1.0/projects/{pid}/{kind}"):
                    group = _status_group(order["status"])
                    if group:
                        totals[(pid, kind, group)] += _money(order["grand_total"])
            for cost in _every_page(session, f"{base}/rest/v1.1/projects/{pid}/direct_costs"):
                totals[(pid, "direct_costs", "grand_total")] += _money(cost["grand_total"])
            for rfi in _every_page(session, f"{base}/rest/v1.0/projects/{pid}/rfis"):
                counts[(pid, "rfis", rfi["status"])] += 1
            for _ in _every_page(session, f"{base}/rest/v1.1/projects/{pid}/submittals"):
                counts[(pid, "submittals")] += 1
    return lines, totals, counts


def _share(profile):
    """The same figures, totals and counts, read from the share's Procore Analytics tables."""

    def table(schema, name):
        return delta_sharing.load_as_pandas(f"{profile}#procore_analytics.{schema}.{name}")

    lines = {
        row["budget_line_item_id"]: {
            key: _money(row[column]) for key, column in BUDGET_FIGURES.items()
        }
        for row in table("financials", "budget_view_standard_columns").to_dict("records")
    }
    totals, counts = defaultdict(Decimal), Counter()
    for row in table("financials", "commitments").to_dict("records"):
        totals[(row["project_id"], "commitments", "grand_total")] += _money(
            row["grand_total_project_currency"]
        )
    for kind, name in (
        ("prime_change_orders", "prime_contract_change_orders"),
        ("commitment_change_orders", "commitment_change_orders"),
    ):
        for row in table("financials", name).to_dict("records"):
            group = _status_group(row["status"])
            if group:
                totals[(row["project_id"], kind, group)] += _money(
                    row["grand_total_project_currency"]
                )
    for row in table("financials", "direct_costs").to_dict("records"):
        totals[(row["project_id"], "direct_costs", "grand_total")] += _money(
            row["amount_grand_total_project_currency"]
        )
    for row in table("project_management", "rfis").to_dict("records"):
        counts[(row["project_id"], "rfis", row["status"])] += 1
    for row in table("project_management", "submittals").to_dict("records"):
        counts[(row["project_id"], "submittals")] += 1
    return lines, totals, counts


def _nonzero(totals):
    return {key: value for key, value in totals.items() if value}


def test_rest_and_share_report_the_same_figures_before_and_after_advance(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    company = generate_company(seed=4, scale="small", clock=CLOCK)
    # The totals walk every page of several endpoints twice: no spike window.
    settings = SandboxSettings(rate_limit_spike=None)
    with Sandbox(company, tmp_path / "share", settings) as door:
        sandbox, profile = door.rest, door.profile
        rest_lines, rest_totals, rest_counts = _rest(sandbox, company)
        share_lines, share_totals, share_counts = _share(profile)
        # Per budget line, every Standard Budget figure is the REST detail row's.
        assert rest_lines == share_lines
        assert _nonzero(rest_totals) == _nonzero(share_totals)
        assert rest_counts == share_counts
        measures = {key[1:] for key in _nonzero(rest_totals)}
        assert ("commitment_change_orders", "approved") in measures
        assert ("direct_costs", "grand_total") in measures
        assert any(figures["Committed Costs"] for figures in rest_lines.values())
        assert any(key[1:] == ("rfis", "open") for key in rest_counts)

        door.advance(10)  # the front door syncs the share
        after_lines, after_totals, after_counts = _rest(sandbox, company)
        shared_lines, shared_totals, shared_counts = _share(profile)
        assert after_lines == shared_lines
        assert _nonzero(after_totals) == _nonzero(shared_totals)
        assert after_counts == shared_counts
        assert after_lines != rest_lines, "ten days of work should move some budget figures"
