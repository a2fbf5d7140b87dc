"""Share -> dlt -> dbt: the Procore Analytics staging models against the generated company.

A tiny company's share is served, loaded by the analytics loader and staged with
`dbt build --select staging.procore_analytics` (models and their tests). Each staging model
must keep every row of its raw table, and a few figures must be the company's own, under
the column names REST staging gives them. A raw file without the analytics schema, what a
REST-only warehouse has, must build too, every model empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from load.analytics_pipeline import run_analytics_load
from pcw.build import dbt_environment
from pcw.paths import PROJECT_ROOT
from sandbox import Company, generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.analytics import SHARE_TABLES
from sandbox.share.tables import write_share
from tests.conftest import CLOCK, SEED

from . import expected

pytestmark = pytest.mark.slow

PREFIX = "stg_procore_analytics__"


@dataclass
class Staged:
    """The company, its loaded raw file, and the warehouse staged from it."""

    company: Company
    raw: Path
    warehouse: Path
    build: subprocess.CompletedProcess[str]
    # The same build over a raw file without the `procore_analytics` schema.
    empty_warehouse: Path
    empty_build: subprocess.CompletedProcess[str]


def dbt_build(scratch: Path, raw: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    """Build and test the analytics staging models from `raw` into `warehouse`.

    Both builds read the raw file through one path (a symbolic link), so that the second
    reuses the first one's parse: dbt parses again when its profile's settings change.
    """
    link = scratch / "raw.duckdb"
    link.unlink(missing_ok=True)
    link.symlink_to(raw)
    target = scratch / "warehouse.duckdb"
    target.unlink(missing_ok=True)
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--select",
            "staging.procore_analytics",
            "--vars",
            '{"procore_data_source": "analytics"}',
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(scratch / "target"),
            "--log-path",
            str(scratch / "logs"),
        ],
        cwd=PROJECT_ROOT,
        env=dbt_environment(target, link),
        capture_output=True,
        text=True,
        check=False,
    )
    if target.exists():
        target.rename(warehouse)
    return result


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Staged]:
    data = tmp_path_factory.mktemp("analytics-staging")
    company = generate_company(seed=SEED, scale="tiny", clock=CLOCK)
    write_share(company, data / "share")
    raw = data / "raw.duckdb"
    with pytest.MonkeyPatch.context() as environment:
        # requests would route 127.0.0.1 through a configured proxy.
        environment.setenv("NO_PROXY", "127.0.0.1,localhost")
        for name in list(os.environ):
            if name.startswith("SOURCES__PROCORE_ANALYTICS__"):
                environment.delenv(name)
        with DeltaSharingServer(data / "share") as server:
            profile = server.write_profile(data / "procore.share")
            run_analytics_load(raw, data / "pipelines", profile=profile)
    empty_raw = data / "empty-raw.duckdb"
    duckdb.connect(str(empty_raw)).close()
    scratch = data / "dbt"
    scratch.mkdir()
    build = dbt_build(scratch, raw, data / "warehouse.duckdb")
    empty_build = dbt_build(scratch, empty_raw, data / "empty-warehouse.duckdb")
    yield Staged(
        company, raw, data / "warehouse.duckdb", build, data / "empty-warehouse.duckdb", empty_build
    )


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def staging_counts(warehouse: Path) -> dict[str, int]:
    """Rows of every analytics staging model, by the share table it stages."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables "
            f"where table_schema = 'staging' and table_name like '{PREFIX}%'"
        ).fetchall()
        return {
            name.removeprefix(PREFIX): connection.execute(
                f"select count(*) from staging.{name}"
            ).fetchall()[0][0]
            for (name,) in tables
        }


def test_the_staging_build_passes_every_test(staged):
    assert staged.build.returncode == 0, staged.build.stdout[-3000:]
    assert " ERROR=0 " in staged.build.stdout and " WARN=0 " in staged.build.stdout


def test_every_shared_table_is_staged_with_every_raw_row(staged):
    counts = staging_counts(staged.warehouse)
    assert set(counts) == {spec.name for spec in SHARE_TABLES}
    with duckdb.connect(str(staged.raw), read_only=True) as connection:
        raw_counts = {
            table: connection.execute(f"select count(*) from procore_analytics.{table}").fetchall()[
                0
            ][0]
            for table in counts
        }
    assert counts == raw_counts
    # The tiny company has rows in every table but the commitment CORs (two-tier commitments).
    assert {table for table, rows in counts.items() if rows == 0} == {
        "commitment_change_order_requests"
    }


def test_rfis_by_status_are_the_companys_live_rfis(staged):
    wanted = Counter(rfi["status"].lower() for rfi in expected.live(staged.company.rows("rfis")))
    rows = query(
        staged.warehouse,
        f"select rfi_status, count(*) from staging.{PREFIX}rfis group by rfi_status",
    )
    assert dict(rows) == dict(wanted)


def test_the_revised_budget_of_each_project_is_procores(staged):
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for line in expected.budget_lines(staged.company).values():
        wanted[line["project_id"]] += line["revised_budget"]
    rows = query(
        staged.warehouse,
        f"select project_id, sum(revised_budget) from staging.{PREFIX}budget_view_standard_columns"
        " group by project_id",
    )
    assert dict(rows) == dict(wanted)


def test_commitments_carry_the_rest_names_and_the_companys_amounts(staged):
    wanted = expected.commitments(staged.company)
    rows = query(
        staged.warehouse,
        "select commitment_id, commitment_type, vendor_id, approved_change_orders_amount,"
        f" revised_contract_amount from staging.{PREFIX}commitments",
    )
    actual = {row[0]: row[1:] for row in rows}
    assert actual == {
        commitment_id: (
            commitment["commitment_type"],
            commitment["vendor_id"],
            commitment["approved_change_orders"],
            commitment["revised_amount"],
        )
        for commitment_id, commitment in wanted.items()
    }


def test_direct_costs_by_status_sum_to_the_companys(staged):
    wanted: dict[str, Decimal] = defaultdict(Decimal)
    for cost in expected.live(staged.company.rows("direct_costs")):
        wanted[cost["status"].lower()] += expected.money(cost["amount"])
    rows = query(
        staged.warehouse,
        f"select direct_cost_status, sum(amount) from staging.{PREFIX}direct_costs"
        " group by direct_cost_status",
    )
    assert dict(rows) == dict(wanted)


def test_without_the_analytics_schema_every_model_builds_empty(staged):
    assert staged.empty_build.returncode == 0, staged.empty_build.stdout[-3000:]
    assert " ERROR=0 " in staged.empty_build.stdout
    counts = staging_counts(staged.empty_warehouse)
    assert set(counts) == {spec.name for spec in SHARE_TABLES}
    assert set(counts.values()) == {0}


def test_the_empty_models_have_the_loaded_models_columns_and_types(staged):
    columns = (
        "select table_name, column_name, data_type from information_schema.columns"
        f" where table_schema = 'staging' and table_name like '{PREFIX}%'"
        " order by table_name, ordinal_position"
    )
    assert query(staged.empty_warehouse, columns) == query(staged.warehouse, columns)
