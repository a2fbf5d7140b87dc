"""Benchmark the Procore Analytics loader against DuckDB reading the same Parquet files.

    .venv/bin/python benchmarks/analytics_benchmark.py [--scale large] [--seed 42]

Generates the company, writes its share (every table at version 0) and serves it locally.
Then, each in a child process that reports its own peak resident memory:

- **full load**: `run_analytics_load` of every shared table into an empty raw file, as
  `pcw load analytics` runs it (protocol calls, file downloads, Arrow batches, dlt, DuckDB);
- **unchanged run**: the same load again with nothing changed (one version call per table);
- **ceiling**: DuckDB alone, `create table ... as select * from read_parquet([...])` over the
  very data files the server hands out, one table per shared table, into an empty file: what
  the loader could reach if the protocol, the downloads and dlt cost nothing.

Prints rows per second of the load and of the ceiling and their ratio (the target is at least
0.5), peak memory, and the unchanged run's time. Asserts nothing.
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

from deltalake import DeltaTable

from pcw.paths import PROJECT_ROOT
from sandbox import generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import write_share

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)

# Prepended to each child: the high-water mark of the child's own memory. Unlike ru_maxrss,
# which Linux keeps across exec, it does not start at the peak of the parent that forked it
# (which holds the whole generated company).
PEAK_MEMORY = """
def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

# The load runs in this child, so its peak memory is the loader's own.
LOAD = (
    PEAK_MEMORY
    + """
import json, sys, time

from pathlib import Path
from load.analytics_pipeline import run_analytics_load
started = time.perf_counter()
summary = run_analytics_load(Path(sys.argv[1]), Path(sys.argv[2]), profile=sys.argv[3])
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "rows": sum(summary.rows_loaded.values()),
    "calls": dict(summary.run.stats.calls),
    "peak_mib": peak_kib() / 1024,
}))
"""
)

CEILING = (
    PEAK_MEMORY
    + """
import json, sys, time

import duckdb
tables = json.loads(sys.argv[2])
started = time.perf_counter()
rows = 0
with duckdb.connect(sys.argv[1]) as connection:
    for name, files in tables.items():
        listed = ", ".join("'" + file.replace("'", "''") + "'" for file in files)
        connection.execute(f'create table "{name}" as select * from read_parquet([{listed}])')
        rows += connection.execute(f'select count(*) from "{name}"').fetchone()[0]
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "rows": rows,
    "peak_mib": peak_kib() / 1024,
}))
"""
)


def child(script: str, *arguments: str) -> dict:
    """Run ``script`` in a fresh interpreter from the project root; its JSON report."""
    result = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"},
    )
    if result.returncode != 0:
        raise SystemExit(f"child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def data_files(tables: dict[str, Path]) -> dict[str, list[str]]:
    """Each non-empty table's active Parquet files at its current version (a query's files)."""
    files = {name: DeltaTable(str(path)).file_uris() for name, path in tables.items()}
    return {name: uris for name, uris in files.items() if uris}


def main() -> None:
    """Generate, serve, load, compare; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    started = time.perf_counter()
    company = generate_company(seed=args.seed, scale=args.scale, clock=CLOCK)
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="pcw-analytics-benchmark-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        tables = write_share(company, root / "share")
        written = time.perf_counter() - started
        del company
        with DeltaSharingServer(root / "share") as server:
            profile = server.write_profile(root / "benchmark.share")
            load = child(LOAD, str(root / "raw.duckdb"), str(root / "pipelines"), str(profile))
            again = child(LOAD, str(root / "raw.duckdb"), str(root / "pipelines"), str(profile))
        files = data_files(tables)
        ceiling = child(CEILING, str(root / "ceiling.duckdb"), json.dumps(files))
        size = sum(Path(file).stat().st_size for paths in files.values() for file in paths)

    load_rate = load["rows"] / load["seconds"]
    ceiling_rate = ceiling["rows"] / ceiling["seconds"]
    print(f"scale {args.scale}, seed {args.seed}: {len(tables)} tables, {load['rows']:,} rows")
    print(f"  generate company {generated:.1f} s, write share {written:.1f} s")
    print(f"  Parquet data files: {sum(map(len, files.values()))}, {size / 2**20:,.1f} MiB")
    print(
        f"  full load:      {load['seconds']:6.1f} s  {load_rate:12,.0f} rows/s  "
        f"peak {load['peak_mib']:,.0f} MiB  calls {load['calls']}"
    )
    print(
        f"  ceiling:        {ceiling['seconds']:6.1f} s  {ceiling_rate:12,.0f} rows/s  "
        f"peak {ceiling['peak_mib']:,.0f} MiB  (DuckDB read_parquet, same files)"
    )
    print(f"  ratio load / ceiling: {load_rate / ceiling_rate:.2f} (target at least 0.5)")
    print(f"  unchanged second run: {again['seconds']:.1f} s, calls {again['calls']}")


if __name__ == "__main__":
    main()
