"""One answer from two sources: the REST API and the Procore Analytics share of one company.

The same generated company is loaded once through the REST API and once through its Delta
Share, each into its own raw file, and each is built (`pcw build` picks the source from what
the raw file holds). The marts that read the unioned intermediate models must agree row for
row. A third raw file holds both loads, with the RFI tool denied to the REST account in one
project: the build reads `both`, and that project's RFIs come from the share.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from load.analytics_pipeline import run_analytics_load
from load.pipeline import run_load
from pcw.build import build_warehouse, loaded_sources
from pcw.paths import DataPaths
from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import write_share
from tests.conftest import CLOCK, SEED, options_for

pytestmark = pytest.mark.slow

# The marts built from the unioned intermediate models, and their grain.
AGREEING_MARTS = {
    "dim_projects": "project_id",
    "fct_rfi_aging": "rfi_id",
    "fct_rfi_aging_by_project": "project_id",
    "fct_rfi_ball_in_court": "project_id, ball_in_court_company",
}


def _rows(warehouse: Path, mart: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            f"select * from marts.{mart} order by {AGREEING_MARTS[mart]}"
        ).fetchall()


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(seed=SEED, scale="tiny", clock=CLOCK)


@pytest.fixture(scope="module")
def warehouses(company, tmp_path_factory) -> Iterator[dict[str, Path]]:
    """Warehouses built from the REST load, the share load, and both with a tool denied."""
    root = tmp_path_factory.mktemp("two-sources")
    rest, share, both = (DataPaths(root / name) for name in ("rest", "share", "both"))
    denied = company.projects[0]["id"]
    write_share(company, root / "tables")
    with DeltaSharingServer(root / "tables") as server:
        profile = server.write_profile(root / "sandbox.share")
        for paths in (share, both):
            run_analytics_load(paths.raw, paths.pipelines, profile=str(profile))
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        run_load(rest.raw, rest.pipelines, **options_for(sandbox, company))
        sandbox.settings.disabled_tools = {denied: {"rfis"}}
        run_load(both.raw, both.pipelines, **options_for(sandbox, company))
    as_of = company.clock.date().isoformat()
    yield {
        name: build_warehouse(paths, as_of_date=as_of, quiet=True)
        for name, paths in (("rest", rest), ("analytics", share), ("both", both))
    } | {"denied": denied, "raws": {"rest": rest.raw, "analytics": share.raw, "both": both.raw}}


def test_each_raw_file_is_built_from_the_source_it_holds(warehouses):
    assert {name: loaded_sources(raw) for name, raw in warehouses["raws"].items()} == {
        "rest": "rest",
        "analytics": "analytics",
        "both": "both",
    }


@pytest.mark.parametrize("mart", sorted(AGREEING_MARTS))
def test_the_mart_is_the_same_from_the_rest_api_and_from_the_share(warehouses, mart):
    from_rest = _rows(warehouses["rest"], mart)
    assert from_rest, f"{mart} is empty: nothing to compare"
    assert _rows(warehouses["analytics"], mart) == from_rest


@pytest.mark.parametrize("mart", sorted(AGREEING_MARTS))
def test_a_project_the_rest_account_may_not_read_is_filled_from_the_share(warehouses, mart):
    assert _rows(warehouses["both"], mart) == _rows(warehouses["rest"], mart)
    with duckdb.connect(str(warehouses["both"]), read_only=True) as connection:
        from_share = connection.execute(
            "select count(*) from marts.fct_rfi_aging where project_id = ?",
            [warehouses["denied"]],
        ).fetchone()[0]
    assert from_share > 0
