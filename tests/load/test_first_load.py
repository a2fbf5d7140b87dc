"""A table's first load is appended, not merged, and still holds one row per key."""

import shutil
from pathlib import Path

import duckdb
import orjson

from load.pipeline import run_load
from sandbox.http import Response
from tests.conftest import options_for

LISTS = ["rfis", "rfi_replies"]


def _load(data_dir: Path, sandbox, company, **options):
    options.setdefault("resources", LISTS)
    return run_load(
        data_dir / "raw.duckdb", data_dir / "pipelines", **options_for(sandbox, company, **options)
    )


def _query(data_dir: Path, sql: str):
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _staging_tables(data_dir: Path) -> set[str]:
    rows = _query(
        data_dir,
        "select table_name from information_schema.tables "
        "where table_schema = 'procore_staging' and table_name not like '\\_dlt%' escape '\\'",
    )
    return {name for (name,) in rows}


def _rows_and_keys(data_dir: Path, table: str, scope: str) -> tuple[int, int]:
    return _query(data_dir, f"select count(*), count(distinct ({scope}, id)) from procore.{table}")[
        0
    ]


def test_a_first_load_writes_without_staging_and_the_next_load_merges(
    company, sandbox, data_dir, tmp_path
):
    _load(data_dir, sandbox, company)
    assert _staging_tables(data_dir) == set()
    rfis = len(company.all_rfis())
    assert _rows_and_keys(data_dir, "rfis", "_procore_project_id") == (rfis, rfis)

    sandbox.advance(1)
    # Reconciled, so that it reads what a fresh load reads (replies added to an RFI that
    # did not change wait for the reconciliation otherwise).
    _load(data_dir, sandbox, company, reconcile_every_hours=0)
    assert _staging_tables(data_dir) == set(LISTS)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    _load(fresh, sandbox, company)
    for table, scope in [("rfis", "_procore_project_id"), ("rfi_replies", "_procore_parent_id")]:
        rows, keys = _rows_and_keys(data_dir, table, scope)
        assert rows == keys == _rows_and_keys(fresh, table, scope)[0]


def test_a_record_listed_twice_in_a_first_load_is_kept_once_in_its_newest_version(
    company, sandbox, data_dir
):
    # An RFI of page 1 moves onto page 2 between the two reads (a record before it was
    # deleted) and is edited meanwhile: the list shows it twice, then its replies are
    # listed twice as well, once for each copy.
    project = company.projects[0]["id"]
    path = f"/rest/v1.0/projects/{project}/rfis"
    handle = sandbox.handle
    moved: list[dict] = []

    def shifting(request):
        response = handle(request)
        if request.path != path or response.status != 200:
            return response
        records = orjson.loads(response.body)
        if request.param("page") == "1":
            moved.append({**records[-1], "subject": "Edited while the list was read"})
            moved[0]["updated_at"] = "2026-06-30T15:29:59Z"
            return response
        return Response(200, orjson.dumps([moved[0], *records]), response.headers)

    sandbox.handle = shifting
    _load(data_dir, sandbox, company, per_page=5, resources=[*LISTS, "submittals"])

    rfis = len(company.all_rfis())
    assert _rows_and_keys(data_dir, "rfis", "_procore_project_id") == (rfis, rfis)
    subject = f"select subject from procore.rfis where id = {moved[0]['id']}"
    assert _query(data_dir, subject) == [("Edited while the list was read",)]
    replies = sum(len(company.children("rfi_replies", rfi["id"])) for rfi in company.all_rfis())
    assert _rows_and_keys(data_dir, "rfi_replies", "_procore_parent_id") == (replies, replies)
    # Only the tables that met a repeat went back to dlt's merge.
    assert _staging_tables(data_dir) == set(LISTS)


def test_a_raw_file_whose_working_state_was_lost_is_merged_into_not_appended_to(
    company, sandbox, data_dir
):
    _load(data_dir, sandbox, company)
    shutil.rmtree(data_dir / "pipelines")  # dlt restores the schema from the raw file
    _load(data_dir, sandbox, company)
    rfis = len(company.all_rfis())
    assert _rows_and_keys(data_dir, "rfis", "_procore_project_id") == (rfis, rfis)
