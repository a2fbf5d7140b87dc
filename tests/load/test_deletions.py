"""Records hard-deleted in Procore leave the raw tables on ordinary runs.

A list read in full on every run drops them on the next run. An incremental list reads
only what changed (`filters[updated_at]`), and a record that is gone never changes: it
keeps the row until the list's reconciliation comes round (`reconcile_every_hours`), which
starts by itself on the first run after that time has passed.
"""

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from load.pipeline import run_load
from load.procore.catalog import BY_NAME
from sandbox import Company, generate_company
from tests.conftest import CLOCK, SEED, options_for
from tests.load.clock import FakeClock
from tests.load.test_catalog import _expected_keys

# Lists read whole on every run: one per project, and one per record of a parent that is
# itself read whole (the budget rows of each budget view).
FULL_LISTS = ["cost_codes", "commitments", "budget_view_detail_rows"]
INCREMENTAL_LIST = "submittals"
RECONCILE_EVERY = timedelta(hours=24)


@pytest.fixture
def company() -> Company:
    """The `tiny` company: each test loads a few lists three times at most."""
    return generate_company(seed=SEED, scale="tiny", clock=CLOCK)


def _load(data_dir: Path, sandbox, company: Company, name: str, **options) -> None:
    run_load(
        data_dir / "raw.duckdb",
        data_dir / "pipelines",
        **options_for(sandbox, company, resources=[name], **options),
    )


def _loaded_keys(data_dir: Path, name: str) -> list[tuple]:
    columns = ", ".join(BY_NAME[name].key)
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute(f"select {columns} from procore.{name} order by all").fetchall()


def _hard_delete(company: Company, name: str) -> tuple:
    """Remove one record of a list from the sandbox for good; return its raw table key."""
    endpoint = BY_NAME[name]
    before = _expected_keys(endpoint, company)
    gone = company.rows(name)[0]
    company.records[name] = [record for record in company.rows(name) if record is not gone]
    company.invalidate()
    (key,) = set(before) - set(_expected_keys(endpoint, company))
    return key


@pytest.mark.parametrize("name", FULL_LISTS)
def test_a_full_list_drops_a_hard_deleted_row_on_the_next_ordinary_run(
    name, company, sandbox, data_dir
):
    assert BY_NAME[name].sync == "full"
    _load(data_dir, sandbox, company, name)
    gone = _hard_delete(company, name)
    assert gone in _loaded_keys(data_dir, name)

    _load(data_dir, sandbox, company, name)  # the defaults: no reconciliation forced

    loaded = _loaded_keys(data_dir, name)
    assert gone not in loaded
    assert loaded == _expected_keys(BY_NAME[name], company)


def test_an_incremental_list_keeps_a_hard_deleted_row_until_reconciliation_is_due_then_drops_it(
    company, sandbox, data_dir
):
    assert BY_NAME[INCREMENTAL_LIST].sync == "incremental"
    options = {"reconcile_every_hours": RECONCILE_EVERY / timedelta(hours=1)}
    clock = FakeClock(CLOCK)
    # A first load reads every list whole, so each is reconciled as of now.
    _load(data_dir, sandbox, company, INCREMENTAL_LIST, clock=clock, **options)
    gone = _hard_delete(company, INCREMENTAL_LIST)

    clock.advance((RECONCILE_EVERY - timedelta(hours=1)).total_seconds())
    _load(data_dir, sandbox, company, INCREMENTAL_LIST, clock=clock, **options)
    assert gone in _loaded_keys(data_dir, INCREMENTAL_LIST), "reconciled before it was due"

    clock.advance(timedelta(hours=1).total_seconds())
    _load(data_dir, sandbox, company, INCREMENTAL_LIST, clock=clock, **options)
    loaded = _loaded_keys(data_dir, INCREMENTAL_LIST)
    assert gone not in loaded, "not reconciled once due"
    assert loaded == _expected_keys(BY_NAME[INCREMENTAL_LIST], company)
