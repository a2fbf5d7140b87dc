"""Sandbox -> dlt -> dbt: the RFI aging mart against values computed from the generator."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from load.pipeline import run_load
from pcw.build import build_warehouse
from pcw.errors import PcwError
from pcw.paths import DataPaths

pytestmark = pytest.mark.slow

# reference/kpis.md §2.3: the common aging convention, written out here independently of the
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


@pytest.fixture
def built(data_dir: Path, source_options, company) -> DataPaths:
    paths = DataPaths(data_dir)
    run_load(paths.raw, paths.pipelines, **source_options)
    second = run_load(paths.raw, paths.pipelines, **source_options)
    assert second.table_rows["rfis"] == len(company.all_rfis())
    build_warehouse(paths, as_of_date=company.clock.date().isoformat(), quiet=True)
    return paths


def _mart(paths: DataPaths) -> dict[int, dict]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as connection:
        cursor = connection.execute("select * from marts.fct_rfi_aging")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_the_rfi_aging_mart_matches_the_generated_company(built, company):
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


def test_a_failed_build_leaves_the_last_good_warehouse_untouched(built, tmp_path):
    before = built.warehouse.read_bytes()
    with duckdb.connect(str(built.raw)) as connection:
        # An RFI listed twice breaks the staging model's grain test, so the build fails. (A
        # missing raw table no longer does: staging builds it empty.)
        connection.execute("insert into procore.rfis select * from procore.rfis limit 1")
    with pytest.raises(PcwError, match=r"dbt build failed.*unchanged"):
        build_warehouse(built, quiet=True)
    assert built.warehouse.read_bytes() == before
    assert not built.building.exists()


def test_a_reader_holding_the_warehouse_does_not_block_a_rebuild(built, company):
    reader = duckdb.connect(str(built.warehouse), read_only=True)
    try:
        build_warehouse(built, as_of_date="2030-01-01", quiet=True)
        # The reader keeps the snapshot it opened; new readers see the new build.
        assert reader.execute("select max(as_of_date) from marts.fct_rfi_aging").fetchone() == (
            company.clock.date(),
        )
    finally:
        reader.close()
    assert _mart(built)[company.all_rfis()[0]["id"]]["as_of_date"] == date(2030, 1, 1)
