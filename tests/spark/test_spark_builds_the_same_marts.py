"""One dbt project, two engines: DuckDB and Spark build the same marts from the same load.

The small company is loaded once through the REST API and once through its Procore Analytics
share into one raw file, with the REST account denied the RFI tool in one project and the
financial tools in another: the build reads `both`, so the marts hold rows computed from
each source. DuckDB builds the warehouse as `pcw build` does; the raw file is exported as
Parquet (`pcw export`) and the same project is built with `dbt build --target spark` on a
local Spark session, which then runs the unit tests too (one session for both commands).
Every mart must be equal row for row: same rows, same keys, money to the cent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from load.analytics_pipeline import run_analytics_load
from load.pipeline import run_load
from pcw.build import build_warehouse
from pcw.compare import compare_marts
from pcw.java import java_problem
from pcw.paths import PROJECT_ROOT, DataPaths
from pcw.raw_parquet import export_raw_parquet
from sandbox import SandboxSettings, generate_company
from sandbox.front_door import Sandbox
from tests.conftest import CLOCK, SEED, options_for
from tests.marts.test_two_sources_agree import FINANCIAL_LISTS

# The load, two builds and Spark's start take minutes on a busy 2-core machine: more than the
# suite's default timeout per test, which here covers the module's fixture.
pytestmark = [pytest.mark.slow, pytest.mark.longest, pytest.mark.timeout(2400)]

# Both dbt commands in one child process, so one Spark session (one JVM) serves them all.
# The child prints one JSON line per command: whether it succeeded and what it ran.
SPARK_CHILD = """
import json, sys
from dbt.cli.main import dbtRunner

common = json.loads(sys.argv[1])
runner = dbtRunner()
for command in json.loads(sys.argv[2]):
    result = runner.invoke([*command, *common])
    nodes = [
        (getattr(node.node, "resource_type", "?"), str(node.status))
        for node in (result.result or [])
    ]
    print("RESULT " + json.dumps({"success": result.success, "nodes": nodes}), flush=True)
"""


@dataclass
class Built:
    """The warehouse DuckDB built, the Spark warehouse folder, and what dbt said on Spark."""

    duckdb_warehouse: Path
    spark_warehouse: Path
    spark_build: dict
    spark_unit_tests: dict
    spark_output: str


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    problem = java_problem()
    assert problem is None, problem
    root = tmp_path_factory.mktemp("two-engines")
    paths = DataPaths(root / "data")
    company = generate_company(seed=SEED, scale="small", clock=CLOCK)
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with Sandbox(company, root / "share", settings) as door:
        run_analytics_load(paths.raw, paths.pipelines, profile=str(door.profile))
        rfis_denied, finance_denied = (project["id"] for project in company.projects[:2])
        door.rest.settings.disabled_tools = {
            rfis_denied: {"rfis"},
            finance_denied: FINANCIAL_LISTS,
        }
        run_load(paths.raw, paths.pipelines, **options_for(door.rest, company))
    as_of_date = company.clock.date().isoformat()
    warehouse = build_warehouse(paths, as_of_date=as_of_date, quiet=True)

    export = root / "raw_parquet"
    export_raw_parquet([paths.raw], export)
    spark_dir = root / "spark"
    common = [
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target",
        "spark",
        "--target-path",
        str(root / "dbt" / "target"),
        "--log-path",
        str(root / "dbt" / "logs"),
    ]
    build_vars = json.dumps({"procore_data_source": "both", "as_of_date": as_of_date})
    commands = [
        ["build", "--vars", build_vars, "--exclude-resource-type", "unit_test"],
        # The unit tests are written for the REST models, as the DuckDB suite runs them.
        ["test", "--select", "test_type:unit"],
    ]
    child = subprocess.run(
        [sys.executable, "-c", SPARK_CHILD, json.dumps(common), json.dumps(commands)],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "PCW_SPARK_DIR": str(spark_dir),
            "PCW_RAW_PARQUET_DIR": str(export),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    results = [
        json.loads(line.removeprefix("RESULT "))
        for line in child.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    assert len(results) == 2, child.stdout[-5000:] + child.stderr[-5000:]
    return Built(warehouse, spark_dir / "warehouse", *results, child.stdout)


def _failed(result: dict) -> list:
    return [node for node in result["nodes"] if node[1] not in ("success", "pass")]


def test_dbt_build_passes_on_spark(built):
    assert built.spark_build["success"], built.spark_output[-8000:]
    assert _failed(built.spark_build) == []
    built_kinds = {kind for kind, _ in built.spark_build["nodes"]}
    assert {"model", "test", "seed"} <= {str(kind) for kind in built_kinds}


def test_the_unit_tests_pass_on_spark(built):
    assert built.spark_unit_tests["success"], built.spark_output[-8000:]
    assert _failed(built.spark_unit_tests) == []
    assert len(built.spark_unit_tests["nodes"]) > 0


def test_every_mart_is_the_same_on_spark_as_on_duckdb(built):
    comparisons = compare_marts(built.duckdb_warehouse, built.spark_warehouse)
    assert len(comparisons) == len(list((PROJECT_ROOT / "models" / "marts").rglob("*.sql")))
    assert [c.mart for c in comparisons if c.rows == 0] == []
    differing = [
        f"{c.mart}: {c.only_here} of {c.rows} rows only on DuckDB, "
        f"{c.only_there} of {c.other_rows} only on Spark"
        for c in comparisons
        if not c.equal
    ]
    assert differing == []
