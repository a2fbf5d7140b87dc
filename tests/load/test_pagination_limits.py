"""Every record arrives however the server pages: a lower per_page cap, or no Total header."""

import pytest

from load.pipeline import run_load
from sandbox import ProcoreSandbox, SandboxSettings
from tests.conftest import options_for


@pytest.mark.parametrize(
    "settings",
    [
        {"max_per_page": 7},
        {"max_per_page": 7, "send_total_header": False},
    ],
    ids=["per_page capped below the request", "capped and no Total header"],
)
def test_every_record_arrives_however_the_server_pages(company, data_dir, settings):
    rfis = len(company.all_rfis())
    assert rfis > 7 * 3, "the fixture should need several pages per project"
    box_settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None, **settings)
    with ProcoreSandbox(company, box_settings) as sandbox:
        summary = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, resources=["rfis"], per_page=1000),
        )
    assert summary.table_rows["rfis"] == rfis
