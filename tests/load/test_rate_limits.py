"""The loader against Procore's rate limits: pace, wait out 429s, stop cleanly."""

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from load.pipeline import run_load
from load.procore import CATALOG, ProcoreSourceError
from sandbox import ProcoreSandbox, SandboxSettings, generate_company
from sandbox.ratelimit import DOCUMENTED_HOURLY_LIMIT, DOCUMENTED_SPIKE_LIMIT, HOUR_SECONDS
from tests.conftest import CLOCK, SEED, options_for
from tests.load.clock import FakeClock
from tests.load.test_catalog import _expected_keys


def _statuses(sandbox):
    """Record the status of every answer the sandbox gives."""
    handle, seen = sandbox.handle, []

    def recording(request):
        response = handle(request)
        seen.append(response.status)
        return response

    sandbox.handle = recording
    return seen


def _rfi_count(data_dir: Path) -> int:
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute("select count(*) from procore.rfis").fetchone()[0]


def _lists_missing_records(data_dir: Path, company) -> list[str]:
    """The catalog entries whose raw table does not hold exactly the sandbox's records."""
    missing = []
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        for endpoint in CATALOG:
            columns = ", ".join(endpoint.key)
            sql = f"select {columns} from procore.{endpoint.name} order by all"
            if connection.execute(sql).fetchall() != _expected_keys(endpoint, company):
                missing.append(endpoint.name)
    return missing


@pytest.fixture
def tiny():
    """The `tiny` company: a whole-catalog load of it takes about 120 requests."""
    return generate_company(seed=SEED, scale="tiny", clock=CLOCK)


def test_the_loader_paces_itself_under_the_spike_window_and_never_meets_a_429(company, data_dir):
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=4, rate_limit_spike_seconds=1
    )
    with ProcoreSandbox(company, settings) as sandbox:
        statuses = _statuses(sandbox)
        summary = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, per_page=25, resources=["rfis"]),
        )
    assert 429 not in statuses
    assert len(statuses) > 8, "the load should need several spike windows"
    assert summary.stats.rate_limit_waits >= 1
    assert _rfi_count(data_dir) == len(company.all_rfis())


def test_a_storm_of_429s_is_waited_out(company, sandbox, data_dir):
    sandbox.faults.rate_limit_storm(3, retry_after=1)
    summary = run_load(
        data_dir / "raw.duckdb", data_dir / "pipelines", **options_for(sandbox, company)
    )
    # Faults are injected on the wire, so count them where the sandbox records them.
    assert [fault.status for fault in sandbox.faults.injected] == [429, 429, 429]
    assert summary.stats.waited_seconds >= 1
    assert _rfi_count(data_dir) == len(company.all_rfis())


def test_an_exhausted_hourly_budget_stops_cleanly_and_the_next_run_resumes(company, data_dir):
    settings = SandboxSettings(strict_company_header=True, rate_limit_hourly=4)
    options = {"per_page": 20, "rate_limit_policy": "stop", "resources": ["rfis"]}
    with ProcoreSandbox(company, settings) as sandbox:
        statuses = _statuses(sandbox)
        first = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, **options),
        )
        assert first.stats.stopped_early and "next run resumes" in first.stats.stopped_early
        assert 429 not in statuses, "the loader stops before asking past the budget"
        partial = _rfi_count(data_dir)
        assert 0 < partial < len(company.all_rfis())

        sandbox.settings.rate_limit_hourly = None  # the next hour
        second = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, **options),
        )
    assert second.stats.stopped_early is None
    assert _rfi_count(data_dir) == len(company.all_rfis())


def test_an_unknown_rate_limit_policy_is_refused_in_one_line(company, sandbox, data_dir):
    with pytest.raises(ProcoreSourceError, match="rate_limit_policy 'pause' is not one of"):
        run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, rate_limit_policy="pause"),
        )


def test_429s_that_never_stop_end_in_one_line_and_keep_the_raw_file(company, sandbox, data_dir):
    from sandbox.faults import Fault

    run_load(data_dir / "raw.duckdb", data_dir / "pipelines", **options_for(sandbox, company))
    before = (data_dir / "raw.duckdb").read_bytes()
    sandbox.faults.schedule(Fault.too_many_requests(retry_after=0), path=r"/rfis$", times=None)
    with pytest.raises(ProcoreSourceError) as raised:
        run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, company, resources=["rfis"]),
        )
    message = str(raised.value)
    assert "kept rate-limiting" in message and "(429)" in message
    assert "\n" not in message
    assert (data_dir / "raw.duckdb").read_bytes() == before


# -- on a clock shared by the sandbox and the loader: windows waited out in no real time ----


def test_the_whole_catalog_loads_under_the_default_spike_limit_without_a_single_429(tiny, data_dir):
    settings = SandboxSettings(strict_company_header=True)
    assert settings.rate_limit_spike == DOCUMENTED_SPIKE_LIMIT  # 25 requests per 10 s
    assert settings.rate_limit_hourly == DOCUMENTED_HOURLY_LIMIT
    clock = FakeClock(CLOCK)
    with ProcoreSandbox(tiny, settings, clock=clock.time) as sandbox:
        statuses = _statuses(sandbox)
        summary = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, tiny, clock=clock),
        )
    stats = summary.stats
    assert stats.requests > 2 * DOCUMENTED_SPIKE_LIMIT, "the load should need several windows"
    assert stats.rate_limit_waits >= 1
    # Every request the loader sent was answered once, and none with a 429.
    assert Counter(statuses) == {200: stats.requests}
    assert stats.retries == 0 and stats.stopped_early is None
    assert _lists_missing_records(data_dir, tiny) == []


def test_an_exhausted_hourly_budget_is_waited_out_under_the_wait_policy_and_every_record_arrives(
    tiny, data_dir
):
    hourly = 50
    settings = SandboxSettings(strict_company_header=True, rate_limit_hourly=hourly)
    clock = FakeClock(CLOCK)
    with ProcoreSandbox(tiny, settings, clock=clock.time) as sandbox:
        summary = run_load(
            data_dir / "raw.duckdb",
            data_dir / "pipelines",
            **options_for(sandbox, tiny, clock=clock, rate_limit_policy="wait"),
        )
    stats = summary.stats
    assert stats.stopped_early is None
    assert stats.requests > 2 * hourly, "the load should need three hourly windows"
    # Two hourly windows ran out, and the loader slept until each one reset (the clock
    # moves only when the loader sleeps).
    assert clock.time() - CLOCK.timestamp() >= 2 * HOUR_SECONDS
    assert stats.rate_limit_waits >= 2 and stats.waited_seconds >= 2 * HOUR_SECONDS
    assert _lists_missing_records(data_dir, tiny) == []
