"""Benchmark `dbt build` of the whole warehouse: wall time and peak memory per sandbox scale.

    .venv/bin/python benchmarks/warehouse_benchmark.py [--scales medium large] [--seed 42]
        [--threads 4]

For each scale: generate the company, serve it, load it into a scratch raw file (timed, but
not what is measured), then run `dbt build` (every model, seed and data test, as `pcw build`
runs it) twice in a child process that reports its own peak resident memory:

- cold: a fresh target directory, so dbt parses the whole project first (a first build, or
  the first after the project changed);
- warm: the same target again, so dbt reuses its parsed manifest (every scheduled build after
  the first).

The target is under 60 s for `large` on 2 cores. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from load.pipeline import run_load
from pcw.build import dbt_environment
from pcw.paths import PROJECT_ROOT
from sandbox import ProcoreSandbox, SandboxSettings, generate_company

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)

# dbt runs in-process in this child, so its own peak RSS is dbt's (threads included).
# Code run before it (``build``'s ``prelude``) may put figures of its own in EXTRA.
CHILD = """
import json, sys, time
EXTRA = globals().get("EXTRA", {})

def peak_kib():
    # The high-water mark of this process's own memory: unlike ru_maxrss, which Linux keeps
    # across exec, it does not start at the peak of the parent that forked this child.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

from dbt.cli.main import dbtRunner
started = time.perf_counter()
result = dbtRunner().invoke(sys.argv[1:])
seconds = time.perf_counter() - started
nodes = len(result.result) if result.result is not None else 0
peak_mib = peak_kib() / 1024
print(json.dumps({**EXTRA, "success": result.success, "seconds": seconds, "nodes": nodes,
                  "peak_mib": peak_mib}))
"""


def build(
    raw: Path,
    warehouse: Path,
    threads: int,
    *,
    target: str = "dev",
    variables: dict[str, str] | None = None,
    environment: dict[str, str] | None = None,
    prelude: str = "",
) -> dict:
    """Run `dbt build` over ``raw`` into ``warehouse`` in a child; its time and peak memory.

    Args:
        raw: The raw file the target ``dev`` attaches.
        warehouse: The warehouse file it writes; dbt's target and log folders go beside it.
        threads: dbt threads.
        target: The dbt target.
        variables: dbt vars besides ``as_of_date`` (the benchmark's clock date).
        environment: Environment variables besides those of ``dbt_environment``.
        prelude: Python run in the child before dbt; it may add figures to ``EXTRA``.

    Returns:
        ``success``, ``seconds`` (dbt's own), ``nodes``, ``peak_mib``, ``wall`` (with the
        interpreter's start-up) and whatever the prelude added.
    """
    command = [
        sys.executable,
        "-c",
        prelude + CHILD,
        "build",
        "--target",
        target,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target-path",
        str(warehouse.parent / "target"),
        "--log-path",
        str(warehouse.parent / "logs"),
        "--threads",
        str(threads),
        "--vars",
        json.dumps({"as_of_date": CLOCK.date().isoformat(), **(variables or {})}),
        # As `pcw build` runs it: unit tests belong to the test suite, not to each build.
        "--exclude-resource-type",
        "unit_test",
        "--quiet",
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env={**dbt_environment(warehouse, raw), **(environment or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0 and not result.stdout.strip():
        raise SystemExit(f"dbt build failed to start:\n{result.stderr[-4000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    if not figures["success"]:
        print(result.stdout[-4000:])
    figures["wall"] = wall
    return figures


def raw_rows(raw: Path, schemas: tuple[str, ...] = ("procore",)) -> int:
    """Rows in every raw table of ``schemas`` (what the build has to read)."""
    with duckdb.connect(str(raw), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) and table_name not like '_dlt%'",
            [list(schemas)],
        ).fetchall()
        return sum(
            connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, name in tables
        )


def main() -> None:
    """Generate, load and build each scale; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=4, help="dbt threads (profile: 4)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; dbt build with {args.threads} threads")
    for scale in args.scales:
        started = time.perf_counter()
        company = generate_company(seed=args.seed, scale=scale, clock=CLOCK)
        generated = time.perf_counter() - started
        settings = SandboxSettings(
            strict_company_header=True, rate_limit_spike=None, rate_limit_hourly=None
        )
        with tempfile.TemporaryDirectory(prefix="warehouse-benchmark-") as directory:
            raw = Path(directory) / "raw.duckdb"
            with ProcoreSandbox(company, settings) as sandbox:
                started = time.perf_counter()
                run_load(
                    raw,
                    Path(directory) / "pipelines",
                    client_id=settings.client_id,
                    client_secret=settings.client_secret,
                    company_ids=[company.company_id],
                    environment="custom",
                    base_url=sandbox.base_url,
                )
                loaded = time.perf_counter() - started
            del company
            print(
                f"{scale}: {raw_rows(raw):,} raw rows (generated in {generated:.0f} s, "
                f"loaded in {loaded:.0f} s)"
                + ("; target for large: dbt build under 60 s" if scale == "large" else "")
            )
            for run in ("cold", "warm"):
                # `pcw build` always writes a new file, then swaps it in.
                (Path(directory) / "warehouse.duckdb").unlink(missing_ok=True)
                figures = build(raw, Path(directory) / "warehouse.duckdb", args.threads)
                warehouse_mib = (Path(directory) / "warehouse.duckdb").stat().st_size / 2**20
                print(
                    f"  {run} dbt build {'passed' if figures['success'] else 'FAILED'}: "
                    f"{figures['nodes']} nodes in {figures['seconds']:.1f} s "
                    f"({figures['wall']:.1f} s with interpreter start-up), "
                    f"peak RSS {figures['peak_mib']:,.0f} MiB, warehouse {warehouse_mib:,.0f} MiB"
                )


if __name__ == "__main__":
    main()
