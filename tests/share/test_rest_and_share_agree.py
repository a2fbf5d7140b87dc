"""One company, two doors: the REST API and the Delta Share must report the same money."""

from collections import defaultdict
from decimal import Decimal

import delta_sharing
import pytest

from sandbox import ProcoreSandbox, SandboxSettings, advance, generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import sync_share, write_share
from tests.conftest import CLOCK

pytestmark = pytest.mark.slow

# kpis.md §2.2: every "Pending - ..." status rolls up into pending changes.
PENDING = {"pending", "revised", "pricing", "not_pricing", "proceeding", "not_proceeding"}
# REST display-name budget columns (§8.6) and their Procore Analytics column names.
BUDGET_COLUMNS = {
    "original_budget_amount": "original_budget_amount",
    "Approved COs": "approved_cos",
    "Revised Budget": "revised_budget",
    "Pending Budget Changes": "pending_budget_changes",
    "Committed Costs": "committed_costs",
    "Direct Costs": "direct_costs",
    "Pending Cost Changes": "pending_cost_changes",
    "Projected over Under": "projected_over_under",
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


def _rest_totals(sandbox, company):
    totals = defaultdict(Decimal)
    base = sandbox.base_url
    with sandbox.session() as session:
        for project in company.projects:
            pid = project["id"]
            for view in _every_page(session, f"{base}/rest/v1.0/budget_views", project_id=pid):
                url = f"{base}/rest/v1.0/budget_views/{view['id']}/detail_rows"
                for row in _every_page(session, url, project_id=pid):
                    for key, column in BUDGET_COLUMNS.items():
                        totals[(pid, "budget", column)] += _money(row[key])
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
    return totals


def _share_totals(profile):
    def table(name):
        return delta_sharing.load_as_pandas(f"{profile}#procore_analytics.financials.{name}")

    totals = defaultdict(Decimal)
    for row in table("budget_line_items").to_dict("records"):
        for column in BUDGET_COLUMNS.values():
            totals[(row["project_id"], "budget", column)] += _money(row[column])
    for row in table("commitments").to_dict("records"):
        totals[(row["project_id"], "commitments", "grand_total")] += _money(row["grand_total"])
    kinds = {
        "PrimeChangeOrder": "prime_change_orders",
        "CommitmentChangeOrder": "commitment_change_orders",
    }
    for row in table("change_orders").to_dict("records"):
        group = _status_group(row["status"])
        if group:
            totals[(row["project_id"], kinds[row["change_order_type"]], group)] += _money(
                row["grand_total"]
            )
    for row in table("direct_costs").to_dict("records"):
        totals[(row["project_id"], "direct_costs", "grand_total")] += _money(row["grand_total"])
    return totals


def _nonzero(totals):
    return {key: value for key, value in totals.items() if value}


def test_rest_and_share_report_the_same_money_per_project_before_and_after_advance(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    company = generate_company(seed=4, scale="small", clock=CLOCK)
    root = tmp_path / "tables"
    write_share(company, root)
    # The totals walk every page of several endpoints twice: no spike window.
    settings = SandboxSettings(rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox, DeltaSharingServer(root) as share:
        profile = share.write_profile(tmp_path / "procore.share")
        rest, shared = _nonzero(_rest_totals(sandbox, company)), _nonzero(_share_totals(profile))
        assert rest == shared
        measures = {key[1:] for key in rest}
        assert ("commitment_change_orders", "approved") in measures
        assert ("budget", "revised_budget") in measures and (
            "direct_costs",
            "grand_total",
        ) in measures

        advance(company, 10)
        sync_share(company, root)
        after_rest, after_share = (
            _nonzero(_rest_totals(sandbox, company)),
            _nonzero(_share_totals(profile)),
        )
        assert after_rest == after_share
        assert after_rest != rest, "ten days of work should move some money"
