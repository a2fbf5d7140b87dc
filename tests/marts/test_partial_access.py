"""An account that may read some tools only still loads, and still gets a warehouse.

Real companies give their service account read access to some tools only: a list it may
not read answers 403, for the whole company or in one project. The load skips those lists
and reports them; lists it never loads have no raw table at all; staging builds empty where
a raw table is missing, so the marts show what the account can see.
"""

from __future__ import annotations

import duckdb
import pytest

from load.pipeline import run_load
from pcw.build import build_warehouse
from pcw.paths import DataPaths
from sandbox import ProcoreSandbox, SandboxSettings
from tests.conftest import options_for

pytestmark = pytest.mark.slow

DENIED_COMPANY_TOOLS = {"vendors", "line_item_types", "submittal_statuses"}
LOADED = [
    "companies",
    "projects",
    *sorted(DENIED_COMPANY_TOOLS),
    "rfis",
    "budget_views",
    "budget_view_detail_rows",
]


def test_denied_tools_are_skipped_and_the_warehouse_builds_from_what_the_account_can_read(
    company, data_dir
):
    denied_project = company.projects[0]["id"]
    settings = SandboxSettings(
        strict_company_header=True,
        rate_limit_spike=None,
        denied_company_tools=DENIED_COMPANY_TOOLS,
        disabled_tools={denied_project: {"rfis"}},
    )
    paths = DataPaths(data_dir)
    with ProcoreSandbox(company, settings) as sandbox:
        summary = run_load(
            paths.raw, paths.pipelines, **options_for(sandbox, company, resources=LOADED)
        )
    skipped = {
        (project, resource, status) for _, project, resource, status, _ in summary.stats.skipped
    }
    assert skipped == {
        *((0, tool, 403) for tool in DENIED_COMPANY_TOOLS),
        (denied_project, "rfis", 403),
    }
    with duckdb.connect(str(paths.raw), read_only=True) as connection:
        reported = connection.execute(
            "select resource from procore.pcw_load_report where kind = 'skipped'"
        ).fetchall()
        raw_tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'procore'"
            ).fetchall()
        }
    assert sorted(resource for (resource,) in reported) == sorted([*DENIED_COMPANY_TOOLS, "rfis"])
    assert "work_order_contracts" not in raw_tables and "vendors" not in raw_tables

    warehouse = build_warehouse(paths, as_of_date=company.clock.date().isoformat(), quiet=True)
    with duckdb.connect(str(warehouse), read_only=True) as connection:

        def count(table: str) -> int:
            return connection.execute(f"select count(*) from marts.{table}").fetchone()[0]

        visible_rfis = sum(
            len(company.project_rows("rfis", project["id"]))
            for project in company.projects
            if project["id"] != denied_project
        )
        assert count("fct_rfi_aging") == visible_rfis
        assert count("fct_budget_vs_commitments") == len(company.rows("budget_view_detail_rows"))
        assert count("dim_vendors") == 0
        assert count("fct_commitments") == 0
        assert count("fct_change_order_exposure") == len(company.projects)
