"""Reading back the keys already loaded: a failure ends the run, it never turns deletes off."""

import duckdb
import pytest

from load.pipeline import run_load
from load.procore import ProcoreSourceError
from tests.conftest import options_for


def test_a_raw_table_whose_keys_cannot_be_read_ends_the_run_with_the_table_named(
    company, sandbox, data_dir
):
    raw, pipelines = data_dir / "raw.duckdb", data_dir / "pipelines"
    options = options_for(sandbox, company, resources=["rfis"], reconcile_every_hours=0)
    run_load(raw, pipelines, **options)
    with duckdb.connect(str(raw)) as connection:
        # A key column renamed by hand: the loader can no longer find deleted records.
        connection.execute("alter table procore.rfis rename column id to rfi_key")
    with pytest.raises(ProcoreSourceError, match=r"Could not read the keys of raw table rfis"):
        run_load(raw, pipelines, **options)


def test_a_raw_file_without_the_table_yet_is_a_first_load(company, sandbox, data_dir):
    raw, pipelines = data_dir / "raw.duckdb", data_dir / "pipelines"
    run_load(raw, pipelines, **options_for(sandbox, company, resources=["vendors"]))
    summary = run_load(
        raw, pipelines, **options_for(sandbox, company, resources=["rfis"], reconcile_every_hours=0)
    )
    assert summary.table_rows["rfis"] == len(company.all_rfis())
