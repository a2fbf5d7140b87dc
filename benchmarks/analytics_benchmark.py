"""Benchmark the Procore Analytics loader against DuckDB reading the same Parquet files.

    .venv/bin/python benchmarks/analytics_benchmark.py [--scale large] [--seed 42]

Generates the company and writes its share (every table at version 0) in a child process, then
serves it locally from this one, which never holds the company. Then, each in a child process
that reports its own peak resident memory:

- **full load**: `run_analytics_load` of every shared table into an empty raw file, as
  `pcw load analytics` runs it (protocol calls, file downloads, Arrow batches, dlt, DuckDB);
- **unchanged run**: the same load again with nothing changed (one version call per table);
- **ceiling**: DuckDB alone, `create table ... as select * from read_parquet([...])` over the
  very data files the server hands out, one table per shared table, into an empty file: what
  the loader could reach if the protocol, the downloads and dlt cost nothing.

The full load and the ceiling run ``--repeat`` times each, alternating; the median of each is
reported (a 2-core machine's other work moves single runs by a second). Prints rows per
second of the load and of the ceiling and their ratio (the target is at least 0.5), peak
memory, and the unchanged run's time. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from deltalake import DeltaTable

from pcw.paths import PROJECT_ROOT
from sandbox.share import DeltaSharingServer

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)

# Prepended to each child: the high-water mark of the child's own memory. Unlike ru_maxrss,
# which Linux keeps across exec, it does not start at the peak of the parent that forked it
# (which holds the whole generated company).
PEAK_MEMORY = """
def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
"""

# The company is generated and its share written in this child: the process that serves the
# share afterwards does not carry the generated company's objects.
WRITE = """
import json, sys, time
from datetime import datetime
from pathlib import Path
from sandbox import generate_company
from sandbox.share.tables import write_share
started = time.perf_counter()
clock = datetime.fromisoformat(sys.argv[4])
company = generate_company(seed=int(sys.argv[2]), scale=sys.argv[3], clock=clock)
generated = time.perf_counter() - started
started = time.perf_counter()
tables = write_share(company, Path(sys.argv[1]))
print(json.dumps({
    "generated": generated,
    "written": time.perf_counter() - started,
    "tables": {name: str(path) for name, path in tables.items()},
}))
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


def _median(runs: list[dict]) -> dict:
    """The run of median time."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def data_files(tables: dict[str, Path]) -> dict[str, list[str]]:
    """Each non-empty table's active Parquet files at its current version (a query's files)."""
    files = {name: DeltaTable(str(path)).file_uris() for name, path in tables.items()}
    return {name: uris for name, uris in files.items() if uris}


def main() -> None:
    """Generate, serve, load, compare; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the load and the ceiling")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pcw-analytics-benchmark-") as scratch:
        root = Path(scratch)
        written = child(WRITE, str(root / "share"), str(args.seed), args.scale, CLOCK.isoformat())
        tables = {name: Path(path) for name, path in written["tables"].items()}
        files = data_files(tables)
        loads, ceilings = [], []
        with DeltaSharingServer(root / "share") as server:
            profile = server.write_profile(root / "benchmark.share")
            for attempt in range(args.repeat):
                raw, pipelines = root / f"raw-{attempt}.duckdb", root / f"pipelines-{attempt}"
                loads.append(child(LOAD, str(raw), str(pipelines), str(profile)))
                ceiling_file = root / f"ceiling-{attempt}.duckdb"
                ceilings.append(child(CEILING, str(ceiling_file), json.dumps(files)))
            again = child(LOAD, str(raw), str(pipelines), str(profile))
        size = sum(Path(file).stat().st_size for paths in files.values() for file in paths)

    load = _median(loads)
    ceiling = _median(ceilings)
    load_rate = load["rows"] / load["seconds"]
    ceiling_rate = ceiling["rows"] / ceiling["seconds"]
    print(f"scale {args.scale}, seed {args.seed}: {len(tables)} tables, {load['rows']:,} rows")
    print(
        f"  generate company {written['generated']:.1f} s, write share {written['written']:.1f} s"
    )
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
    load_times = ", ".join(f"{run['seconds']:.1f}" for run in loads)
    ceiling_times = ", ".join(f"{run['seconds']:.1f}" for run in ceilings)
    print(
        f"  (medians of {args.repeat} runs each: full loads {load_times} s, "
        f"ceilings {ceiling_times} s)"
    )
    print(f"  unchanged second run: {again['seconds']:.1f} s, calls {again['calls']}")


if __name__ == "__main__":
    main()
