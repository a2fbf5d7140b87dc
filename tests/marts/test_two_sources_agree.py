"""One answer from two sources: the REST API and the Procore Analytics share of one company.

The same generated company is loaded once through the REST API and once through its Delta
Share, each into its own raw file, and each is built (`pcw build` picks the source from what
the raw file holds). Every mart must agree row for row, money to the cent. The company then
lives three more days; both loads catch up incrementally, and the marts must agree again.

A third raw file holds both loads, with the RFI tool and the financial tools denied to the
REST account in one project each: the build reads `both`, fills those projects from the
share, and its marts must equal the REST build of the company the account sees whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from load.analytics_pipeline import run_analytics_load
from load.pipeline import run_load
from pcw.build import build_warehouse, loaded_sources
from pcw.compare import NOT_IN_THE_SHARE
from pcw.paths import DataPaths
from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company
from sandbox.front_door import Sandbox
from tests.conftest import CLOCK, SEED, options_for

pytestmark = pytest.mark.slow

MARTS_DIR = Path(__file__).resolve().parents[2] / "models" / "marts"

# The project lists of the REST API that feed the finance and change marts.
FINANCIAL_LISTS = {
    "cost_codes",
    "wbs_codes",
    "budget_views",
    "prime_contracts",
    "purchase_order_contracts",
    "work_order_contracts",
    "commitments",
    "commitment_change_orders",
    "prime_change_orders",
    "change_order_packages",
    "potential_change_orders",
    "change_events",
    "change_event_statuses",
    "direct_costs",
    "direct_cost_line_items",
    "requisitions",
}


def _marts(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]


def _rows(warehouse: Path, mart: str, left_out: tuple[str, ...] = ()) -> list[tuple]:
    columns = f"* exclude ({', '.join(left_out)})" if left_out else "*"
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(f"select {columns} from marts.{mart} order by all").fetchall()


def _differing(warehouse: Path, rest: Path) -> list[str]:
    """The marts of ``warehouse`` that differ from the REST build in a column the share has."""
    return [
        mart
        for mart in _marts(rest)
        if _rows(warehouse, mart, NOT_IN_THE_SHARE.get(mart, ()))
        != _rows(rest, mart, NOT_IN_THE_SHARE.get(mart, ()))
    ]


@dataclass
class Loaded:
    """The company, the servers that publish it, and the data directory of each load."""

    company: Company
    door: Sandbox
    paths: dict[str, DataPaths]

    @property
    def sandbox(self) -> ProcoreSandbox:
        return self.door.rest

    @property
    def profile(self) -> Path:
        return self.door.profile


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(seed=SEED, scale="tiny", clock=CLOCK)


@pytest.fixture(scope="module")
def loaded(company, tmp_path_factory) -> Iterator[Loaded]:
    """The company loaded through REST, through the share, and both with tools denied."""
    root = tmp_path_factory.mktemp("two-sources")
    paths = {name: DataPaths(root / name) for name in ("rest", "analytics", "both")}
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with Sandbox(company, root / "share", settings) as door:
        sandbox, profile = door.rest, door.profile
        for name in ("analytics", "both"):
            run_analytics_load(paths[name].raw, paths[name].pipelines, profile=str(profile))
        run_load(paths["rest"].raw, paths["rest"].pipelines, **options_for(sandbox, company))
        rfis_denied, finance_denied = (project["id"] for project in company.projects[:2])
        sandbox.settings.disabled_tools = {rfis_denied: {"rfis"}, finance_denied: FINANCIAL_LISTS}
        run_load(paths["both"].raw, paths["both"].pipelines, **options_for(sandbox, company))
        sandbox.settings.disabled_tools = {}
        yield Loaded(company, door, paths)


def _build(paths: DataPaths, company: Company) -> Path:
    return build_warehouse(paths, as_of_date=company.clock.date().isoformat(), quiet=True)


@pytest.fixture(scope="module")
def warehouses(loaded: Loaded) -> dict[str, Path]:
    """Each load built, before the company moves on."""
    return {name: _build(paths, loaded.company) for name, paths in loaded.paths.items()}


@pytest.fixture(scope="module")
def advanced(loaded: Loaded, warehouses) -> dict[str, Any]:
    """Three days later: both loads catch up incrementally and are built again.

    The builds replace the warehouses in place: ``before`` keeps what the REST build's marts
    said until then.
    """
    before = {mart: _rows(warehouses["rest"], mart) for mart in _marts(warehouses["rest"])}
    loaded.door.advance(3)  # the front door syncs the share
    rest, share = loaded.paths["rest"], loaded.paths["analytics"]
    run_load(rest.raw, rest.pipelines, **options_for(loaded.sandbox, loaded.company))
    run_analytics_load(share.raw, share.pipelines, profile=str(loaded.profile))
    return {
        "rest": _build(rest, loaded.company),
        "analytics": _build(share, loaded.company),
        "before": before,
    }


def test_each_raw_file_is_built_from_the_source_it_holds(loaded, warehouses):
    assert {name: loaded_sources(paths.raw) for name, paths in loaded.paths.items()} == {
        "rest": "rest",
        "analytics": "analytics",
        "both": "both",
    }


def test_every_mart_has_rows_to_compare(warehouses):
    marts = _marts(warehouses["rest"])
    assert sorted(marts) == sorted(path.stem for path in MARTS_DIR.rglob("*.sql"))
    assert [mart for mart in marts if not _rows(warehouses["rest"], mart)] == []


@pytest.mark.parametrize("built", ["analytics", "both"])
def test_every_mart_is_the_same_from_the_share_as_from_the_rest_api(warehouses, built):
    assert _marts(warehouses[built]) == _marts(warehouses["rest"])
    assert _differing(warehouses[built], warehouses["rest"]) == []


def test_the_columns_the_share_does_not_publish_are_empty_not_made_up(warehouses):
    with duckdb.connect(str(warehouses["analytics"]), read_only=True) as connection:
        for mart, columns in NOT_IN_THE_SHARE.items():
            for column in columns:
                filled = connection.execute(f"select count({column}) from marts.{mart}").fetchone()[
                    0
                ]
                assert filled == 0, f"{mart}.{column}"


def test_the_projects_the_rest_account_may_not_read_are_filled_from_the_share(loaded, warehouses):
    rfis_denied, finance_denied = (project["id"] for project in loaded.company.projects[:2])
    with duckdb.connect(str(warehouses["both"]), read_only=True) as connection:
        rfis, commitments = (
            connection.execute(
                f"select count(*) from marts.{mart} where project_id = ?", [project]
            ).fetchone()[0]
            for mart, project in (
                ("fct_rfi_aging", rfis_denied),
                ("fct_commitments", finance_denied),
            )
        )
    assert rfis > 0 and commitments > 0


def test_after_the_company_moves_on_every_mart_still_agrees(advanced):
    moved = [
        mart for mart, rows in advanced["before"].items() if _rows(advanced["rest"], mart) != rows
    ]
    assert "fct_rfi_aging" in moved and "fct_change_events" in moved
    assert _differing(advanced["analytics"], advanced["rest"]) == []
