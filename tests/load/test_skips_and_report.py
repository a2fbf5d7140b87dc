"""A tool disabled on one project is skipped, reported, and loaded in full once enabled."""

import json
from pathlib import Path

import duckdb
import pytest

from load.pipeline import failed_loads_path, raw_table_rows, run_load
from load.procore import ProcoreSourceError
from sandbox import ProcoreSandbox, SandboxSettings
from sandbox.faults import Fault
from tests.conftest import options_for


def _query(data_dir: Path, sql: str):
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _load(data_dir: Path, sandbox, company, **options):
    return run_load(
        data_dir / "raw.duckdb", data_dir / "pipelines", **options_for(sandbox, company, **options)
    )


def test_a_tool_disabled_on_one_project_is_skipped_reported_and_loaded_once_enabled(
    company, data_dir
):
    blocked = company.projects[1]["id"]
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=None, disabled_tools={blocked: {"rfis"}}
    )
    with ProcoreSandbox(company, settings) as sandbox:
        first = _load(data_dir, sandbox, company, resources=["rfis"])
        others = sum(len(company.project_rows("rfis", p["id"])) for p in company.projects) - len(
            company.project_rows("rfis", blocked)
        )
        assert [(s[1], s[2], s[3]) for s in first.stats.skipped] == [(blocked, "rfis", 403)]
        assert _query(
            data_dir, f"select count(*) from procore.rfis where _procore_project_id = {blocked}"
        ) == [(0,)]
        assert _query(data_dir, "select count(*) from procore.rfis") == [(others,)]
        skipped = _query(
            data_dir,
            "select project_id, resource, http_status from procore.pcw_load_report "
            "where kind = 'skipped'",
        )
        assert skipped == [(blocked, "rfis", 403)]

        sandbox.settings.disabled_tools = {}
        second = _load(data_dir, sandbox, company, resources=["rfis"])
    assert second.stats.skipped == []
    assert _query(
        data_dir, f"select count(*) from procore.rfis where _procore_project_id = {blocked}"
    ) == [(len(company.project_rows("rfis", blocked)),)]


def test_every_run_adds_a_summary_row_to_the_load_report(company, sandbox, data_dir):
    _load(data_dir, sandbox, company)
    _load(data_dir, sandbox, company)
    summaries = _query(
        data_dir,
        "select rows_loaded, requests, message from procore.pcw_load_report "
        "where kind = 'summary' order by finished_at",
    )
    assert len(summaries) == 2
    assert summaries[0][0] > summaries[1][0] > 0
    assert all(requests > 0 and message is None for _, requests, message in summaries)
    assert "pcw_load_report" not in raw_table_rows(data_dir / "raw.duckdb")


def test_a_child_list_that_answers_404_is_skipped_and_its_siblings_still_load(company, data_dir):
    # Child lists are fetched in groups; the failed one sits in the middle of the first group.
    project = next(
        p["id"] for p in company.projects if len(company.project_rows("rfis", p["id"])) > 3
    )
    rfi = sorted(r["id"] for r in company.project_rows("rfis", project))[2]
    # No spike window: the replies of every RFI are hundreds of requests (see conftest).
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        sandbox.faults.schedule(Fault.error(404), path=rf"/rfis/{rfi}/replies$", times=10)
        summary = _load(data_dir, sandbox, company, resources=["rfi_replies"])
    assert [(s[1], s[2], s[3]) for s in summary.stats.skipped] == [(project, "rfi_replies", 404)]
    everything = len(company.rows("rfi_replies"))
    assert _query(data_dir, "select count(*) from procore.rfi_replies") == [
        (everything - len(company.children("rfi_replies", rfi)),)
    ]


def test_a_failed_run_is_logged_beside_the_raw_file_and_status_shows_it(company, data_dir):
    from pcw.paths import DataPaths
    from pcw.status import status_lines

    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as sandbox:
        first = _load(data_dir, sandbox, company, resources=["rfis"])
        # Every retry of the RFI lists fails: the run ends, the raw file keeps the first load.
        sandbox.faults.schedule(Fault.error(500), path=r"/rfis$", times=1_000)
        with pytest.raises(ProcoreSourceError, match="500") as failure:
            _load(data_dir, sandbox, company, resources=["rfis"])
    logged = failed_loads_path(data_dir / "raw.duckdb").read_text().splitlines()
    assert len(logged) == 1
    failed = json.loads(logged[0])
    assert failed["requests"] > 0
    assert failed["message"] == str(failure.value).splitlines()[0]
    # The raw file itself is as the good load left it: one run in its report.
    assert _query(data_dir, "select count(*) from procore.pcw_load_report") == [(1,)]
    assert _query(data_dir, "select count(*) from procore.rfis") == [(first.table_rows["rfis"],)]
    lines = status_lines(DataPaths(data_dir))
    assert lines[0].startswith("Last 2 loads")
    assert "FAILED after" in lines[1] and "500" in lines[1]
    assert "rows," in lines[2] and "FAILED" not in lines[2]
