"""Benchmark `dbt build` of the whole warehouse on DuckDB and on Spark, per sandbox scale.

    .venv/bin/python benchmarks/engines_benchmark.py [--scales small medium] [--seed 42]
        [--threads 4]

For each scale: generate the company, serve it through both doors (the REST API and the
Procore Analytics share) and load both into one scratch raw file (schemas ``procore`` and
``procore_analytics``; timed, but not what is measured). Then, each build in a child process
with a fresh target folder (so dbt parses the whole project first), with the vars
``procore_data_source: both`` and the benchmark's clock date as ``as_of_date``:

- **DuckDB**: `dbt build --target dev` (every model, seed and data test, as `pcw build` runs
  it) over the raw file into a scratch warehouse file;
- **Parquet export**: the raw file written as Parquet for Spark (`export_raw_parquet`, as
  `pcw export` runs it), timed on its own;
- **Spark**: `dbt build --target spark` over that export on a local PySpark session, its
  metastore and tables in a fresh scratch folder. Spark's JVM starts inside the child; the
  time its session took to start (the first `getOrCreate`) is reported too, and is part of
  the build's time.

A build's seconds are dbt's own, project parsing included; the ratio is Spark's build over
DuckDB's (export left out). Peak memory is not reported: Spark's JVM is a process of its own.
On 2 cores shared with other work, single runs move by seconds. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse_benchmark import CLOCK, build, raw_rows

from load.analytics_pipeline import run_analytics_load
from load.pipeline import run_load
from pcw.raw_parquet import SOURCE_SCHEMAS, export_raw_parquet
from sandbox import SandboxSettings, generate_company
from sandbox.front_door import Sandbox

VARIABLES = {"procore_data_source": "both"}

# Run in the Spark build's child before dbt: the first `getOrCreate` starts the JVM and the
# session (later calls return the same session), so its duration is the session's start-up.
SPARK_SESSION_TIMING = """
import time
from pyspark.sql import SparkSession

EXTRA = {}
_get_or_create = SparkSession.Builder.getOrCreate

def _timed_get_or_create(self):
    started = time.perf_counter()
    session = _get_or_create(self)
    EXTRA.setdefault("session_seconds", time.perf_counter() - started)
    return session

SparkSession.Builder.getOrCreate = _timed_get_or_create
"""


@dataclass
class Figures:
    """What one scale measured."""

    scale: str
    raw_rows: int
    duckdb: dict[str, Any]
    export_seconds: float
    spark: dict[str, Any]


def load_both(scale: str, seed: int, directory: Path) -> Path:
    """Generate a company and load it through REST and through the share into one raw file."""
    started = time.perf_counter()
    company = generate_company(seed=seed, scale=scale, clock=CLOCK)
    generated = time.perf_counter() - started
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=None, rate_limit_hourly=None
    )
    raw = directory / "raw.duckdb"
    with Sandbox(company, directory / "share", settings) as door:
        started = time.perf_counter()
        run_load(
            raw,
            directory / "pipelines",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            company_ids=[company.company_id],
            environment="custom",
            base_url=door.rest.base_url,
        )
        rest_loaded = time.perf_counter() - started
        started = time.perf_counter()
        run_analytics_load(raw, directory / "pipelines", profile=str(door.profile))
        share_loaded = time.perf_counter() - started
    print(
        f"{scale}: generated in {generated:.0f} s, loaded through REST in {rest_loaded:.0f} s "
        f"and through the share in {share_loaded:.0f} s"
    )
    return raw


def _built(engine: str, figures: dict[str, Any]) -> str:
    outcome = "passed" if figures["success"] else "FAILED"
    line = (
        f"  {engine} dbt build {outcome}: {figures['nodes']} nodes in {figures['seconds']:.1f} s "
        f"({figures['wall']:.1f} s with interpreter start-up)"
    )
    if "session_seconds" in figures:
        line += f"; Spark session started in {figures['session_seconds']:.1f} s of it"
    return line


def measure(scale: str, seed: int, threads: int) -> Figures:
    """Load one scale, build it on DuckDB, export it and build it on Spark."""
    with tempfile.TemporaryDirectory(prefix="engines-benchmark-") as scratch:
        directory = Path(scratch)
        raw = load_both(scale, seed, directory)
        rows = raw_rows(raw, SOURCE_SCHEMAS)
        print(f"  {rows:,} raw rows in {', '.join(SOURCE_SCHEMAS)}")

        (directory / "duckdb").mkdir()
        duckdb_figures = build(
            raw, directory / "duckdb" / "warehouse.duckdb", threads, variables=VARIABLES
        )
        print(_built("DuckDB", duckdb_figures))

        parquet = directory / "raw_parquet"
        started = time.perf_counter()
        tables = export_raw_parquet([raw], parquet)
        export_seconds = time.perf_counter() - started
        print(f"  Parquet export: {len(tables)} tables in {export_seconds:.1f} s")

        spark_dir = directory / "spark"
        spark_dir.mkdir()
        spark_figures = build(
            raw,
            # Unused by the target `spark`; it puts dbt's target and log folders in spark/.
            spark_dir / "unused.duckdb",
            threads,
            target="spark",
            variables=VARIABLES,
            environment={"PCW_SPARK_DIR": str(spark_dir), "PCW_RAW_PARQUET_DIR": str(parquet)},
            prelude=SPARK_SESSION_TIMING,
        )
        print(_built("Spark", spark_figures))
    return Figures(scale, rows, duckdb_figures, export_seconds, spark_figures)


def print_table(results: list[Figures]) -> None:
    """The figures of every scale, one line each."""
    header = (
        f"{'scale':<8} {'raw rows':>10} {'DuckDB s':>9} {'export s':>9} {'Spark s':>8} "
        f"{'session s':>10} {'Spark/DuckDB':>13}"
    )
    print()
    print(header)
    for figures in results:
        duckdb_seconds, spark_seconds = figures.duckdb["seconds"], figures.spark["seconds"]
        session = figures.spark.get("session_seconds")
        failed = "" if figures.duckdb["success"] and figures.spark["success"] else "  (failed)"
        print(
            f"{figures.scale:<8} {figures.raw_rows:>10,} {duckdb_seconds:>9.1f} "
            f"{figures.export_seconds:>9.1f} {spark_seconds:>8.1f} "
            f"{(f'{session:.1f}' if session is not None else '-'):>10} "
            f"{spark_seconds / duckdb_seconds:>12.1f}x{failed}"
        )


def main() -> None:
    """Load, build on both engines and print the figures of each scale."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["small", "medium"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=4, help="dbt threads (profile: 4)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; dbt build with {args.threads} threads on both engines")
    results = [measure(scale, args.seed, args.threads) for scale in args.scales]
    print_table(results)


if __name__ == "__main__":
    main()
