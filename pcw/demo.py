"""The end-to-end demo: sandbox -> dlt loads of both sources -> dbt build -> the marts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from load.analytics_pipeline import run_analytics_load
from load.pipeline import run_load
from sandbox import SandboxSettings, generate_company
from sandbox.front_door import Sandbox

from .build import build_warehouse
from .compare import NOT_IN_THE_SHARE, compare_marts
from .errors import PcwError
from .paths import DataPaths
from .report import warehouse_summary

# The share's files, its load and the warehouse built from it, inside the demo's directory.
SHARE_DIR = "analytics"


def run_demo(
    paths: DataPaths, scale: str = "small", seed: int = 42, echo: Callable[[str], None] = print
) -> None:
    """Serve a generated company both ways, load each source, build, and compare the marts.

    The demo always starts from empty files in ``paths``. It loads the company through the
    REST API (a full load, then an incremental one) into ``paths``, and through its Procore
    Analytics share (a full load, then an unchanged run) into ``paths/analytics``. It builds
    a warehouse from each, summarises the REST one, and checks that every mart of the two
    is equal row for row.

    Raises:
        PcwError: when a mart differs between the two sources.
    """
    share_paths = DataPaths(paths.data_dir / SHARE_DIR)
    for leftover in (paths.raw, paths.warehouse, paths.pipelines, share_paths.data_dir):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)

    company = generate_company(seed=seed, scale=scale)
    # Both builds measure ages to the same day, even if the demo runs over midnight.
    as_of_date = datetime.now(UTC).date().isoformat()
    # The demo reads every catalog list, several hundred requests: at Procore's documented
    # 25 requests per 10 s that is minutes of waiting, so the embedded sandbox leaves the
    # spike window off. `pcw sandbox serve` keeps it on.
    settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
    # The share's tables and profile go under ``paths/analytics``, next to its load.
    with Sandbox(company, share_paths.data_dir / "share", settings) as door:
        sandbox = door.rest
        echo(
            f"Sandbox Procore at {sandbox.base_url}: company {company.company_id}, "
            f"{len(company.projects)} projects, {len(company.all_rfis())} RFIs "
            f"(scale {scale}, seed {seed})"
        )
        options: dict[str, Any] = {
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "company_ids": [company.company_id],
            "environment": "custom",
            "base_url": sandbox.base_url,
        }
        first = run_load(paths.raw, paths.pipelines, **options)
        echo(
            f"Full load: {_rows(first.rows_loaded)} into {paths.raw}, "
            f"{first.stats.requests} requests"
        )
        second = run_load(paths.raw, paths.pipelines, **options)
        echo(
            f"Incremental load straight after: {_rows(second.rows_loaded)} in "
            f"{second.stats.requests} requests (the overlap window, and the lists Procore "
            "cannot filter by updated_at)"
        )
        _load_share(door, share_paths, echo)
    echo("Building the warehouse from the REST load with dbt build ...")
    warehouse = build_warehouse(paths, as_of_date=as_of_date, quiet=True)
    echo("Building a second warehouse from the share load ...")
    from_share = build_warehouse(share_paths, as_of_date=as_of_date, quiet=True)
    for line in warehouse_summary(warehouse):
        echo(line)
    _say_whether_the_marts_agree(warehouse, from_share, echo)
    echo(f"Warehouse: {warehouse} (from the share: {from_share})")
    echo(
        '  try: pcw query "select * from marts.fct_rfi_aging limit 10" --data-dir '
        + str(paths.data_dir)
    )


def _load_share(door: Sandbox, paths: DataPaths, echo: Callable[[str], None]) -> None:
    """Load the front door's Procore Analytics share twice into ``paths``."""
    profile = door.profile
    echo(f"Sandbox Procore Analytics share at {door.share.endpoint}: {len(door.tables)} tables")
    first = run_analytics_load(paths.raw, paths.pipelines, profile=str(profile))
    echo(f"Share load: {_rows(first.rows_loaded)} into {paths.raw}, {first.stats.requests} calls")
    second = run_analytics_load(paths.raw, paths.pipelines, profile=str(profile))
    echo(
        f"Share load straight after: {sum(second.rows_loaded.values()):,} rows in "
        f"{second.stats.requests} calls (one version check per unchanged table)"
    )


def _say_whether_the_marts_agree(
    warehouse: Path, from_share: Path, echo: Callable[[str], None]
) -> None:
    """Print whether every mart is the same from both sources; raise if one is not."""
    comparisons = compare_marts(warehouse, from_share, ignored=NOT_IN_THE_SHARE)
    differing = [comparison for comparison in comparisons if not comparison.equal]
    if differing:
        for comparison in differing:
            echo(
                f"  {comparison.mart}: {comparison.rows:,} rows from REST, "
                f"{comparison.other_rows:,} from the share; {comparison.only_here:,} only in "
                f"REST, {comparison.only_there:,} only in the share"
            )
        raise PcwError(
            f"{len(differing)} of {len(comparisons)} marts differ between the REST load and "
            "the share load of the same company (listed above)."
        )
    echo(
        f"Both sources agree: all {len(comparisons)} marts "
        f"({sum(comparison.rows for comparison in comparisons):,} rows) are equal row for row "
        "whether built from the REST API or from the Procore Analytics share (the share "
        f"does not publish {_columns(NOT_IN_THE_SHARE)})."
    )


def _columns(columns: dict[str, tuple[str, ...]]) -> str:
    return ", ".join(f"{mart}.{column}" for mart, names in columns.items() for column in names)


def _rows(counts: dict[str, int]) -> str:
    """A load's rows in one short phrase; `pcw load` lists them per table."""
    return f"{sum(counts.values()):,} rows in {len(counts)} tables"
