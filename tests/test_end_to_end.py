"""Sandbox -> dlt -> dbt: the RFI aging mart against values computed from the generator."""

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from load.pipeline import run_load
from pcw.build import build_warehouse
from pcw.errors import PcwError
from pcw.paths import DataPaths
from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company
from tests.conftest import CLOCK, SEED, options_for

pytestmark = pytest.mark.slow

# The aging buckets of Procore's RFI reports (docs/decisions.md), written out here apart from the
# seed file the models read.
BUCKETS = [(0, 7, "0-7 days"), (8, 14, "8-14 days"), (15, 30, "15-30 days"), (31, 60, "31-60 days")]


def _day(timestamp: str | None) -> date | None:
    return None if timestamp is None else datetime.fromisoformat(timestamp[:10]).date()


def expected_aging(rfi: dict, as_of: date) -> dict:
    """The aging facts of one generated RFI, from its raw JSON fields."""
    initiated, closed = _day(rfi["initiated_at"]), _day(rfi["time_resolved"])
    due = date.fromisoformat(rfi["due_date"]) if rfi["due_date"] else None
    is_open = rfi["status"] == "open"
    days_open = None
    if is_open:
        days_open = (as_of - initiated).days
    elif rfi["status"] == "closed":
        days_open = (closed - initiated).days
    bucket = None
    if is_open:
        bucket = next((name for low, high, name in BUCKETS if low <= days_open <= high), None)
        bucket = bucket or "over 60 days"
    overdue = is_open and due < as_of
    return {
        "days_open": days_open,
        "is_overdue": overdue,
        "days_overdue": (as_of - due).days if overdue else (0 if is_open else None),
        "aging_bucket": bucket,
        "is_closed_late": rfi["status"] == "closed" and closed > due,
        "ball_in_court_name": (rfi["ball_in_court"] or {}).get("name"),
    }


@pytest.fixture(scope="module")
def lived() -> Iterator[tuple[DataPaths, Company]]:
    """The small company loaded twice (first, then incremental) and built, once per module.

    Tests that change the files work on copies (``copied``): a build takes a minute.
    """
    company = generate_company(seed=SEED, scale="small", clock=CLOCK)
    paths = DataPaths(Path(tempfile.mkdtemp(prefix="pcw-end-to-end-")))
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        options = options_for(sandbox, company)
        run_load(paths.raw, paths.pipelines, **options)
        second = run_load(paths.raw, paths.pipelines, **options)
    assert second.table_rows["rfis"] == len(company.all_rfis())
    build_warehouse(paths, as_of_date=company.clock.date().isoformat(), quiet=True)
    yield paths, company
    shutil.rmtree(paths.data_dir, ignore_errors=True)


@pytest.fixture
def built(lived) -> DataPaths:
    """The module's built files, not to be changed."""
    return lived[0]


@pytest.fixture
def lived_company(lived) -> Company:
    """The company the module's files were loaded from."""
    return lived[1]


@pytest.fixture
def copied(built: DataPaths, tmp_path: Path) -> DataPaths:
    """A copy of the raw file and the warehouse, for a test to change."""
    copy = DataPaths(tmp_path / "data")
    copy.data_dir.mkdir()
    shutil.copyfile(built.raw, copy.raw)
    shutil.copyfile(built.warehouse, copy.warehouse)
    return copy


def _mart(paths: DataPaths) -> dict[int, dict]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as connection:
        cursor = connection.execute("select * from marts.fct_rfi_aging")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_the_rfi_aging_mart_matches_the_generated_company(built, lived_company):
    company = lived_company
    mart = _mart(built)
    as_of = company.clock.date()
    projects = {project["id"]: project["name"] for project in company.projects}
    assert set(mart) == {rfi["id"] for rfi in company.all_rfis()}
    for project_id, rfis in company.rfis_by_project.items():
        for rfi in rfis:
            row = mart[rfi["id"]]
            expected = expected_aging(rfi, as_of)
            actual = {key: row[key] for key in expected}
            assert actual == expected, rfi["id"]
            assert row["project_name"] == projects[project_id]
            assert row["rfi_status"] == rfi["status"]
            assert row["as_of_date"] == as_of
    statuses = {row["rfi_status"] for row in mart.values()}
    buckets = {row["aging_bucket"] for row in mart.values()} - {None}
    assert statuses == {"draft", "open", "closed"}, "the fixture should exercise every status"
    assert len(buckets) >= 3, "the fixture should exercise several aging buckets"


def test_a_failed_build_leaves_the_last_good_warehouse_untouched(copied):
    before = copied.warehouse.read_bytes()
    with duckdb.connect(str(copied.raw)) as connection:
        # An RFI listed twice breaks the staging model's grain test, so the build fails. (A
        # missing raw table no longer does: staging builds it empty.)
        connection.execute("insert into procore.rfis select * from procore.rfis limit 1")
    with pytest.raises(PcwError, match=r"dbt build failed.*unchanged"):
        build_warehouse(copied, quiet=True)
    assert copied.warehouse.read_bytes() == before
    assert not copied.building.exists()


def test_a_reader_holding_the_warehouse_does_not_block_a_rebuild(copied, lived_company):
    company = lived_company
    reader = duckdb.connect(str(copied.warehouse), read_only=True)
    try:
        build_warehouse(copied, as_of_date="2030-01-01", quiet=True)
        # The reader keeps the snapshot it opened; new readers see the new build.
        assert reader.execute("select max(as_of_date) from marts.fct_rfi_aging").fetchone() == (
            company.clock.date(),
        )
    finally:
        reader.close()
    assert _mart(copied)[company.all_rfis()[0]["id"]]["as_of_date"] == date(2030, 1, 1)
