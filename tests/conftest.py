"""Shared fixtures: a generated company on a fixed clock, served by an in-process sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company

# Tests never phone home and never read a developer's own Procore secrets.
os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
for name in list(os.environ):
    if name.startswith("SOURCES__PROCORE__"):
        del os.environ[name]

# Under pytest-xdist each worker builds with dbt at the same time as the others: give each
# its own target and log directories, so no two builds share a manifest or a partial parse.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    _PROJECT = Path(__file__).resolve().parent.parent
    os.environ["DBT_TARGET_PATH"] = str(_PROJECT / "target" / f"pytest-{_WORKER}")
    os.environ["DBT_LOG_PATH"] = str(_PROJECT / "logs" / f"pytest-{_WORKER}")

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
SEED = 12


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files holding slow tests first.

    Workers take whole files (`--dist loadfile`); handing out the long ones first lets the
    short ones fill the gaps, so no worker is left alone with a long file at the end.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    longest_files = {item.path for item in items if item.get_closest_marker("longest")}
    items.sort(key=lambda item: (item.path not in longest_files, item.path not in slow_files))


@pytest.fixture
def company() -> Company:
    """A small company on a fixed clock; function-scoped because tests may change it."""
    return generate_company(seed=SEED, scale="small", clock=CLOCK)


@pytest.fixture
def sandbox(company: Company) -> Iterator[ProcoreSandbox]:
    """The company served on a free port, strict about `Procore-Company-Id`.

    A full load reads every catalog list (hundreds of requests even at ``small``); at the
    documented 25 requests per 10 s that is minutes of waiting per test, so loader tests
    turn the spike window off. The hourly window stays on, and the rate-limit tests set
    both windows themselves.
    """
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    with ProcoreSandbox(company, settings) as server:
        yield server


def options_for(sandbox: ProcoreSandbox, company: Company, **extra: Any) -> dict[str, Any]:
    """Arguments of `procore_source` that point it at a sandbox, plus any extra ones."""
    return {
        "client_id": sandbox.settings.client_id,
        "client_secret": sandbox.settings.client_secret,
        "company_ids": [company.company_id],
        "environment": "custom",
        "base_url": sandbox.base_url,
        **extra,
    }


@pytest.fixture
def source_options(sandbox: ProcoreSandbox, company: Company) -> dict[str, Any]:
    """Arguments of `procore_source` that point it at the sandbox fixture."""
    return options_for(sandbox, company)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty directory for raw, warehouse and dlt working files."""
    path = tmp_path / "data"
    path.mkdir()
    return path
