"""Sandbox -> dlt -> dbt: every mart against figures computed from the generator's objects.

The company lives 20 days after it was generated before it is loaded, so the raw data holds
soft-deleted records, decided and new change orders and fresh costs: the marts must leave the
deleted ones out and count the rest exactly as docs/decisions.md defines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from load.pipeline import run_load
from pcw.build import build_warehouse, dbt_environment
from pcw.paths import PROJECT_ROOT, DataPaths
from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company
from sandbox.generator import advance
from tests.conftest import CLOCK, SEED, options_for

from . import expected

pytestmark = pytest.mark.slow

BUCKETS = [(0, 7, "0-7 days"), (8, 14, "8-14 days"), (15, 30, "15-30 days"),
           (31, 60, "31-60 days"), (61, None, "over 60 days")]  # fmt: skip


@pytest.fixture(scope="module")
def lived_company() -> Company:
    company = generate_company(seed=SEED, scale="small", clock=CLOCK)
    advance(company, 20)
    return company


@pytest.fixture(scope="module")
def warehouse(lived_company: Company, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    paths = DataPaths(tmp_path_factory.mktemp("marts") / "data")
    paths.data_dir.mkdir()
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(lived_company, settings) as sandbox:
        run_load(paths.raw, paths.pipelines, **options_for(sandbox, lived_company))
    yield build_warehouse(paths, as_of_date=lived_company.clock.date().isoformat(), quiet=True)


@pytest.fixture(scope="module")
def as_of(lived_company: Company) -> date:
    return lived_company.clock.date()


def mart(warehouse: Path, name: str, *key: str) -> dict[Any, dict[str, Any]]:
    """A mart's rows by key (one column, or a tuple of columns)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(f"select * from marts.{name}")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    keyed = {}
    for row in rows:
        value = row[key[0]] if len(key) == 1 else tuple(row[column] for column in key)
        assert value not in keyed, f"{name}: {value} appears twice"
        keyed[value] = row
    return keyed


def assert_rows_match(actual: dict, wanted: dict, what: str) -> None:
    """Same keys, and every expected column equal: money to the cent, ratios to 1e-9.

    Expected keys starting with an underscore are the computation's own, not mart columns.
    """
    assert set(actual) == set(wanted), f"{what}: keys differ"
    for key, columns in wanted.items():
        want = {
            column: pytest.approx(value, abs=1e-9) if isinstance(value, float) else value
            for column, value in columns.items()
            if not column.startswith("_")
        }
        got = {column: actual[key][column] for column in want}
        assert got == want, f"{what} {key}"


def test_the_budget_mart_shows_procores_figures_to_the_cent(warehouse, lived_company):
    wanted = expected.budget_lines(lived_company)
    actual = mart(warehouse, "fct_budget_vs_commitments", "budget_line_id")
    assert {row["figure_source"] for row in actual.values()} == {"procore"}
    assert_rows_match(actual, wanted, "budget line")
    assert any(line["is_over_budget"] for line in wanted.values()), "fixture has no overrun"
    assert any(line["pending_cost_changes"] for line in wanted.values())


def test_every_budget_line_states_its_committed_share(warehouse):
    for row in mart(warehouse, "fct_budget_vs_commitments", "budget_line_id").values():
        if row["revised_budget"] == 0:
            assert row["percent_committed"] is None
        else:
            share = float(row["committed_costs"] / row["revised_budget"])
            assert row["percent_committed"] == pytest.approx(share)


def test_the_commitments_mart_matches_contracts_change_orders_and_invoices(
    warehouse, lived_company
):
    wanted = expected.commitments(lived_company)
    actual = mart(warehouse, "fct_commitments", "commitment_id")
    assert_rows_match(actual, wanted, "commitment")
    assert {row["commitment_type"] for row in actual.values()} == {"subcontract", "purchase_order"}


def test_the_change_order_log_lists_every_live_change_order_once(warehouse, lived_company, as_of):
    wanted = expected.change_orders(lived_company, as_of)
    actual = mart(warehouse, "fct_change_orders", "change_order_id")
    assert_rows_match(actual, wanted, "change order")
    groups = {row["status_group"] for row in actual.values()}
    assert {"approved", "pending"} <= groups


def test_change_event_lines_carry_latest_price_cost_and_margin(warehouse, lived_company):
    wanted = expected.change_event_lines(lived_company)
    actual = mart(warehouse, "fct_change_events", "change_event_id", "change_event_line_item_id")
    assert_rows_match(actual, wanted, "change event line")
    assert any(line["is_on_prime_pco"] for line in wanted.values())
    assert not all(line["is_on_prime_pco"] for line in wanted.values())


def test_exposure_per_project_matches_the_change_orders(warehouse, lived_company, as_of):
    wanted = {
        project_id: dict(row) for project_id, row in expected.exposure(lived_company, as_of).items()
    }
    actual = mart(warehouse, "fct_change_order_exposure", "project_id")
    assert_rows_match(actual, wanted, "exposure")
    assert sum(row["unpriced_exposure"] for row in wanted.values()) > 0
    assert sum(row["unfunded_commitment_changes"] for row in wanted.values()) > 0


def test_exposure_agrees_with_the_budgets_pending_and_approved_columns(warehouse):
    budget = mart(warehouse, "fct_project_financials", "project_id")
    exposure = mart(warehouse, "fct_change_order_exposure", "project_id")
    for project_id, row in budget.items():
        assert row["pending_budget_changes"] == exposure[project_id]["prime_pending_amount"]
        assert row["approved_budget_changes"] == exposure[project_id]["prime_approved_amount"]
        assert row["pending_cost_changes"] == exposure[project_id]["commitment_pending_amount"]


def test_project_financials_sum_the_budget_and_the_prime_contract(warehouse, lived_company, as_of):
    wanted = {
        project_id: dict(row)
        for project_id, row in expected.project_financials(lived_company, as_of).items()
    }
    actual = mart(warehouse, "fct_project_financials", "project_id")
    assert_rows_match(actual, wanted, "project")
    for row in actual.values():
        assert row["percent_complete"] is None or 0 <= row["percent_complete"] <= 1


def test_rfi_aging_by_project_counts_open_rfis_in_every_bucket(warehouse, lived_company, as_of):
    wanted = expected.rfi_buckets(lived_company, as_of, BUCKETS)
    actual = mart(warehouse, "fct_rfi_aging_by_project", "project_id", "aging_bucket")
    assert {key: row["open_rfis"] for key, row in actual.items()} == wanted
    for row in actual.values():
        open_rfis = [
            rfi
            for rfi in expected.live(lived_company.project_rows("rfis", row["project_id"]))
            if rfi["status"] == "open"
        ]
        assert row["project_open_rfis"] == len(open_rfis)


def test_dimensions_hold_every_vendor_cost_code_and_day(warehouse, lived_company, as_of):
    vendors = mart(warehouse, "dim_vendors", "vendor_id")
    assert set(vendors) == {vendor["id"] for vendor in lived_company.vendors}
    codes = mart(warehouse, "dim_cost_codes", "cost_code_id")
    assert set(codes) == {code["id"] for code in expected.live(lived_company.rows("cost_codes"))}
    concrete = [row for row in codes.values() if row["cost_code"].startswith("03-")]
    assert concrete and {row["division_name"] for row in concrete} == {"Concrete"}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        days = connection.execute(
            "select count(*), min(date_day), max(date_day) from marts.dim_dates"
        ).fetchone()
    assert days[1] <= date(2000, 1, 1) and days[2] >= as_of
    assert days[0] == (days[2] - days[1]).days + 1


def test_money_is_exact_decimal_in_every_mart(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        types = connection.execute(
            """
            select table_name, column_name, data_type
            from information_schema.columns
            where table_schema = 'marts'
              and (column_name like '%amount%' or column_name like '%budget%'
                   or column_name like '%cost%' or column_name like '%exposure%')
              and data_type in ('DOUBLE', 'FLOAT', 'REAL')
            """
        ).fetchall()
    assert types == []


def dbt(warehouse: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a dbt command over the test's raw and warehouse files, in a scratch target."""
    paths = DataPaths(warehouse.parent)
    scratch = warehouse.parent / "dbt"
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *arguments,
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
        env=dbt_environment(paths.warehouse, paths.raw),
        capture_output=True,
        text=True,
        check=False,
    )


def test_source_freshness_passes_right_after_a_load(warehouse):
    result = dbt(warehouse, "source", "freshness")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS freshness of procore.budget_view_detail_rows" in result.stdout


def test_the_docs_describe_every_mart(warehouse):
    result = dbt(warehouse, "docs", "generate")
    assert result.returncode == 0, result.stdout[-3000:]
    catalog = json.loads((warehouse.parent / "dbt" / "target" / "catalog.json").read_text())
    marts = {node["metadata"]["name"] for node in catalog["nodes"].values()
             if node["metadata"]["schema"] == "marts"}  # fmt: skip
    assert {"fct_budget_vs_commitments", "fct_change_order_exposure", "fct_rfi_aging"} <= marts


GRAIN_TESTS = {"unique", "unique_combination_of_columns"}


def test_every_model_and_column_is_described_and_every_model_has_a_grain_test(warehouse):
    result = dbt(warehouse, "docs", "generate")
    assert result.returncode == 0, result.stdout[-3000:]
    target = warehouse.parent / "dbt" / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    grain_tested = {
        dependency
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node.get("test_metadata", {}).get("name") in GRAIN_TESTS
        for dependency in node["depends_on"]["nodes"]
    }
    problems = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        name = node["name"]
        if not node["description"].strip():
            problems.append(f"{name}: no description")
        if unique_id not in grain_tested:
            problems.append(f"{name}: no grain test")
        built = catalog["nodes"].get(unique_id, {}).get("columns", {})
        for column in built:
            documented = node["columns"].get(column.lower())
            if documented is None or not documented["description"].strip():
                problems.append(f"{name}.{column.lower()}: no description")
    assert problems == []


def test_the_sql_unit_tests_pass(warehouse):
    # `pcw build` leaves unit tests out of production builds; the suite runs them here.
    result = dbt(warehouse, "test", "--select", "test_type:unit")
    assert result.returncode == 0, result.stdout[-5000:]
    assert "Completed successfully" in result.stdout
    assert " 0 unit tests" not in result.stdout


def test_the_budget_reconciliation_fails_when_procore_and_the_objects_disagree(warehouse, tmp_path):
    paths = DataPaths(tmp_path / "data")
    paths.data_dir.mkdir()
    shutil.copyfile(DataPaths(warehouse.parent).raw, paths.raw)
    with duckdb.connect(str(paths.raw)) as connection:
        # One cent more on a line of an approved subcontract: Procore's budget rows stay as
        # they were, so committed costs recomputed from the objects no longer match them.
        connection.execute(
            """
            update procore.work_order_contract_line_items
            set amount = cast(cast(amount as decimal(18, 2)) + 0.01 as varchar)
            where id = (
                select min(line.id)
                from procore.work_order_contract_line_items as line
                inner join procore.work_order_contracts as contract
                    on line._procore_parent_id = contract.id
                where contract.status = 'Approved'
            )
            """
        )
    shutil.copyfile(warehouse, paths.warehouse)
    result = dbt(paths.warehouse, "build", "--select", "+assert_budget_matches_procore_to_the_cent")
    assert result.returncode != 0
    assert "FAIL 1 assert_budget_matches_procore_to_the_cent" in result.stdout


# The DuckDB inside most BI drivers, and the Node and WASM packages, is a 1.x release.
OLDER_DUCKDB = "duckdb==1.1.3"
READ_EVERY_MART = """
import json, sys, duckdb
with duckdb.connect(sys.argv[1], read_only=True) as connection:
    tables = connection.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    ).fetchall()
    counts = {
        name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0]
        for (name,) in tables
    }
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


def test_an_older_duckdb_reads_every_mart_of_the_published_warehouse(warehouse, tmp_path_factory):
    venv = tmp_path_factory.mktemp("duckdb-1.1")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
         OLDER_DUCKDB],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", READ_EVERY_MART, str(warehouse)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    read = json.loads(result.stdout)
    assert read["version"] == OLDER_DUCKDB.split("==")[1]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        expected_counts = {
            name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    assert read["counts"] == expected_counts
    assert len(expected_counts) == 13


def test_a_soft_deleted_rfi_stays_in_raw_and_leaves_the_marts(warehouse, lived_company):
    deleted = {rfi["id"] for rfi in lived_company.rows("rfis") if rfi.get("deleted_at") is not None}
    assert deleted, "the lived company should have soft-deleted RFIs"
    with duckdb.connect(str(DataPaths(warehouse.parent).raw), read_only=True) as connection:
        in_raw = {
            rfi_id
            for (rfi_id,) in connection.execute(
                "select id from procore.rfis where deleted_at is not null"
            ).fetchall()
        }
    assert in_raw == deleted
    assert not deleted & set(mart(warehouse, "fct_rfi_aging", "rfi_id"))
