"""Benchmark the Procore loader against the sandbox: requests against the minimum, time, memory.

    .venv/bin/python benchmarks/loader_benchmark.py [--scale large] [--seed 42] [--per-page 1000]
        [--page-workers 4] [--reconcile]

Three runs into one raw file, each in a child process so that the generated company (3.3 GB
at ``large``, served from a thread of this process) is not part of the loader's memory:

1. a full load, against the fewest requests that can read every list: one token, then per
   list max(1, ceil(rows / per_page)) (one for an unpaginated list);
2. after ``sandbox.advance(1)``, an incremental load (reconciliation not due), against a
   bound: one token, the company and project lists, per incremental or daily-log list one
   request plus the pages its changed rows need, full lists in full, and the child lists of
   the parents that changed;
3. with ``--reconcile``, a load with ``reconcile_every_hours=0`` (everything re-read).

The minimum and the bound are computed from the generated company, not from what the loader
did. Requests are counted on the sandbox's side too, per resource, so that an excess can be
traced. Prints figures; asserts nothing. One script although long: the minimum and the bound
are the benchmark, and they read best next to the runs they judge.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from load.procore.catalog import BY_NAME, CATALOG, ListSpec
from load.procore.settings import CURSOR_OVERLAP, DEFAULT_START_DATE
from sandbox import Company, ProcoreSandbox, SandboxSettings, generate_company
from sandbox.served_lists import load_served_lists

REPO = Path(__file__).resolve().parents[1]
CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
TOKEN = "oauth token"
LOOKBACK_DAYS = 14  # procore_source's default daily_log_lookback_days
Record = dict[str, Any]

# -- the loader, in a child process -------------------------------------------------------

CHILD = """
import json, resource, sys, threading, time
from pathlib import Path
options = json.loads(sys.argv[1])
import dlt
from load.pipeline import PIPELINE_NAME, run_load

def memory(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))

samples, done = [], threading.Event()

def sample():
    while not done.wait(0.2):
        samples.append((time.time(), memory("VmRSS:")))

threading.Thread(target=sample, daemon=True).start()
pipelines_dir = options.pop("pipelines_dir")
started = time.perf_counter()
summary = run_load(Path(options.pop("raw_path")), Path(pipelines_dir), **options)
seconds = time.perf_counter() - started
done.set()
usage = resource.getrusage(resource.RUSAGE_SELF)
steps = {}
for step in dlt.attach(PIPELINE_NAME, pipelines_dir=pipelines_dir).last_trace.steps:
    if step.step == "run" or not step.started_at or not step.finished_at:
        continue
    first, last = step.started_at.timestamp(), step.finished_at.timestamp()
    inside = [kib for moment, kib in samples if first <= moment <= last]
    steps[step.step] = {"seconds": last - first, "peak_kib": max(inside, default=0)}
print(json.dumps({
    "seconds": seconds,
    "requests": summary.stats.requests,
    "retries": summary.stats.retries,
    "rate_limit_waits": summary.stats.rate_limit_waits,
    "skipped": len(summary.stats.skipped),
    "stopped_early": summary.stats.stopped_early,
    "rows_loaded": summary.rows_loaded,
    "peak_kib": memory("VmHWM:"),
    "cpu_seconds": usage.ru_utime + usage.ru_stime,
    "steps": steps,
}))
"""


@dataclass
class LoadResult:
    """What one child run reported, and what the sandbox saw of it."""

    seconds: float
    process_seconds: float
    cpu_seconds: float
    requests: int
    retries: int
    rate_limit_waits: int
    skipped: int
    stopped_early: str | None
    rows_loaded: dict[str, int]
    peak_mib: float
    steps: dict[str, dict[str, float]]
    served: Counter[str]
    duplicates: Counter[str]
    errors: Counter[str]

    @property
    def records(self) -> int:
        """Rows of the catalog tables (every raw table is one: nested lists are JSON)."""
        return sum(count for table, count in self.rows_loaded.items() if table in BY_NAME)


class RequestCounter:
    """Counts the sandbox's requests per catalog resource (wraps ``sandbox.handle``)."""

    def __init__(self, sandbox: ProcoreSandbox) -> None:
        self._handle = sandbox.handle
        self._lock = threading.Lock()
        # One regular expression for every path, most specific first: the counting must not
        # slow the sandbox it measures (41 separate matches cost it 5% of its time).
        self._names, alternatives = [], []
        for index, endpoint in enumerate(sorted(CATALOG, key=lambda e: -e.path.count("/"))):
            regex = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(endpoint.path))
            alternatives.append(f"(?P<e{index}>{regex})")
            self._names.append(endpoint.name)
        self._paths = re.compile(f"^(?:{'|'.join(alternatives)})$")
        self.reset()
        sandbox.handle = self._counting  # type: ignore[method-assign]

    def reset(self) -> None:
        """Start counting afresh."""
        self.served: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self._seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()

    def _resource(self, path: str) -> str:
        if path == "/oauth/token":
            return TOKEN
        match = self._paths.match(path)
        return self._names[int(match.lastgroup[1:])] if match and match.lastgroup else path

    def _counting(self, request):
        name = self._resource(request.path)
        key = (request.method, request.path, tuple(sorted(request.query)))
        response = self._handle(request)
        with self._lock:
            self.served[name] += 1
            if key in self._seen and name != TOKEN:
                self.duplicates[name] += 1
            self._seen.add(key)
            if response.status >= 400:
                self.errors[f"{name} HTTP {response.status}"] += 1
        return response


def run_loader(options: dict[str, Any], counter: RequestCounter) -> LoadResult:
    """Run ``run_load`` in a child process and return its figures.

    The peak memory is the child's own ``VmHWM``: ``ru_maxrss`` of a child (``wait4``,
    ``RUSAGE_CHILDREN``) also holds the parent's peak at the moment of ``exec``, which here
    is the whole generated company.
    """
    counter.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__PROCORE__")}
    env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(options)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            errors.seek(0)
            sys.exit(f"the load failed (exit {child.returncode}):\n{errors.read()[-4000:]}")
    process_seconds = time.perf_counter() - started
    report = json.loads(child.stdout.strip().splitlines()[-1])
    return LoadResult(
        seconds=report["seconds"],
        process_seconds=process_seconds,
        cpu_seconds=report["cpu_seconds"],
        requests=report["requests"],
        retries=report["retries"],
        rate_limit_waits=report["rate_limit_waits"],
        skipped=report["skipped"],
        stopped_early=report["stopped_early"],
        rows_loaded=report["rows_loaded"],
        peak_mib=report["peak_kib"] / 1024,
        steps=report["steps"],
        served=counter.served,
        duplicates=counter.duplicates,
        errors=counter.errors,
    )


# -- the fewest requests, from the generated company --------------------------------------

SERVED = {endpoint.resource: endpoint for endpoint in load_served_lists()}


def _visible(entry: ListSpec, rows: Iterable[Record]) -> list[Record]:
    """The rows a list shows: soft-deleted ones only where the loader asks for them."""
    if entry.include_deleted and "include_deleted" in SERVED[entry.name].filters:
        return list(rows)
    return [row for row in rows if not row.get("deleted_at")]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Window:
    """Which rows of an incremental or daily-log list one run reads."""

    whole: bool
    after: str | None = None  # incremental: `updated_at` strictly after (a changed row)
    since: str | None = None  # incremental: `updated_at` from (the loader's cursor overlap)
    first_day: str | None = None  # daily logs: the first date re-read

    def select(self, entry: ListSpec, rows: list[Record], today: str) -> list[Record]:
        """The rows of ``rows`` inside this window."""
        if entry.sync == "full":
            return rows
        if entry.sync == "date_window":
            field_name = entry.date_field or "date"
            first = DEFAULT_START_DATE if self.whole else self.first_day or DEFAULT_START_DATE
            return [
                row
                for row in rows
                if row.get(field_name) and first <= str(row[field_name])[:10] <= today
            ]
        start = _stamp(datetime.fromisoformat(DEFAULT_START_DATE).replace(tzinfo=UTC))
        stamped = [row for row in rows if isinstance(row.get("updated_at"), str)]
        if self.whole:
            return [row for row in stamped if row["updated_at"] >= start]
        if self.after is not None:
            return [row for row in stamped if row["updated_at"] > self.after]
        since = max(start, self.since or start)
        return [row for row in stamped if row["updated_at"] >= since]


@dataclass
class Floor:
    """Requests (and rows) per resource that one run needs at the least."""

    requests: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    lists: Counter[str] = field(default_factory=Counter)
    cursors: dict[tuple[str, Any], str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All requests of the run."""
        return sum(self.requests.values())


# How an incremental run reads a list whose cursor is known: "changed" reads only the rows
# changed since the last run (the bound); "overlap" reads what the loader's design reads,
# the changed rows plus those within CURSOR_OVERLAP before the cursor.
WindowRule = Callable[[ListSpec, str], Window]


def _full_rule(entry: ListSpec, cursor: str) -> Window:
    return Window(whole=True)


def _changed_rule(entry: ListSpec, cursor: str) -> Window:
    if entry.sync == "date_window":
        return _daily_window(cursor)
    return Window(whole=False, after=cursor or None)


def _overlap_rule(entry: ListSpec, cursor: str) -> Window:
    if entry.sync == "date_window":
        return _daily_window(cursor)
    if not cursor:
        return Window(whole=False)
    return Window(whole=False, since=_stamp(_moment(cursor) - CURSOR_OVERLAP))


def _daily_window(cursor: str) -> Window:
    """Daily logs: the lookback before the newest log date loaded, up to tomorrow."""
    if not cursor:
        return Window(whole=False)
    first = datetime.fromisoformat(cursor[:10]) - timedelta(days=LOOKBACK_DAYS)
    return Window(whole=False, first_day=first.date().isoformat())


def _unit_rows(company: Company, entry: ListSpec, parent: Record) -> list[Record]:
    """Every record the list of ``entry`` under one parent record holds, before windows."""
    if entry.scope == "company":
        rows = company.rows(entry.name)
    elif entry.scope == "project":
        rows = company.project_rows(entry.name, parent["id"])
    elif SERVED[entry.name].scope == "parent":
        rows = company.children(entry.name, parent["id"])
    else:
        # A project list narrowed by a parameter naming the parent (change order requests
        # by `contract_id`): the project is the one the parent was listed in.
        names = [name for name, value in entry.params.items() if value == "{parent_id}"]
        wanted = str(parent["id"])
        rows = [
            row
            for row in company.project_rows(entry.name, parent["_project_id"])
            if all(str(row.get(name, row.get(f"_{name}"))) == wanted for name in names)
        ]
    return _visible(entry, rows)


def _pages(entry: ListSpec, rows: int, per_page: int) -> int:
    if not entry.paginated:
        return 1
    return max(1, math.ceil(rows / per_page))


def floor(
    company: Company,
    per_page: int,
    rule: WindowRule = _full_rule,
    cursors: dict[tuple[str, Any], str] | None = None,
) -> Floor:
    """The requests a run must make: each list read once, in as few pages as its rows need.

    ``rule`` says which rows of an incremental or daily-log list with a cursor are read;
    a list without one (new, or the first load) is read whole, as is every ``full`` list.
    Children are read for the parent records the parent list read in the same run.
    """
    cursors = cursors or {}
    today = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    result = Floor()
    read: dict[str, list[Record]] = {"": [company.company]}
    for entry in CATALOG:
        if entry.name == "companies":
            parents_of = ""
        elif entry.scope == "company":
            parents_of = "companies"
        elif entry.scope == "project":
            parents_of = "projects"
        else:
            parents_of = entry.parent or ""
        assert parents_of in read, f"{entry.name} comes before its parent {parents_of}"
        read_here: list[Record] = []
        for parent in read[parents_of]:
            key = (entry.name, parent["id"])
            rows = _unit_rows(company, entry, parent)
            cursor = cursors.get(key)
            window = Window(whole=True) if cursor is None else rule(entry, cursor)
            rows = window.select(entry, rows, today)
            result.requests[entry.name] += _pages(entry, len(rows), per_page)
            result.rows[entry.name] += len(rows)
            result.lists[entry.name] += 1
            read_here.extend(rows)
            if entry.sync != "full":
                field_name = entry.date_field or "updated_at"
                values = [str(row[field_name]) for row in rows if row.get(field_name)]
                result.cursors[key] = max(values, default=cursor or "")
        read[entry.name] = read_here
    result.requests[TOKEN] = 1
    return result


# -- printing -----------------------------------------------------------------------------


def _per_resource(actual: Counter[str], expected: Floor, label: str) -> None:
    """Resources whose requests differ from ``expected``, with what may explain it."""
    names = sorted(set(actual) | set(expected.requests))
    rows = []
    for name in names:
        seen, least = actual.get(name, 0), expected.requests.get(name, 0)
        if seen != least:
            rows.append((name, seen, least))
    if not rows:
        print(f"  every resource at its {label}")
        return
    print(f"  resources off their {label} (actual vs {label}):")
    for name, seen, least in sorted(rows, key=lambda row: row[2] - row[1]):
        lists = expected.lists.get(name, 0)
        print(
            f"    {name:36s} {seen:>8,} vs {least:>8,} ({seen - least:+,}); "
            f"{lists:,} lists, {expected.rows.get(name, 0):,} rows expected"
        )


def _rows_check(result: LoadResult, expected: Floor) -> None:
    """Catalog tables whose loaded rows differ from the rows the model expects read."""
    off = [
        (name, result.rows_loaded.get(name, 0), expected.rows.get(name, 0))
        for name in BY_NAME
        if result.rows_loaded.get(name, 0) != expected.rows.get(name, 0)
    ]
    for name, loaded, rows in off:
        print(f"  note: {name} loaded {loaded:,} rows, {rows:,} expected from the company")


def _common(result: LoadResult) -> None:
    steps = ", ".join(
        f"{name} {step['seconds']:.1f} s (RSS up to {step['peak_kib'] / 1024:,.0f} MiB)"
        for name, step in result.steps.items()
    )
    print(f"  dlt steps: {steps}")
    served = sum(result.served.values())
    print(
        f"  requests: {result.requests:,} counted by the loader, {served:,} answered by the "
        f"sandbox; retries {result.retries}, rate-limit waits {result.rate_limit_waits}, "
        f"skipped lists {result.skipped}"
        + (f", stopped early: {result.stopped_early}" if result.stopped_early else "")
    )
    if result.errors:
        print(f"  error answers: {dict(result.errors)}")
    if result.duplicates:
        print(f"  repeated identical requests: {dict(result.duplicates)}")


def main() -> None:
    """Generate, serve, load three times and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", help="sandbox scale (small for a quick look)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument("--page-workers", type=int, default=4)
    parser.add_argument(
        "--reconcile", action="store_true", help="also run with reconcile_every_hours=0"
    )
    args = parser.parse_args()
    per_page = min(args.per_page, SandboxSettings().max_per_page)

    started = time.perf_counter()
    company = generate_company(seed=args.seed, scale=args.scale, clock=CLOCK)
    total = sum(len(rows) for rows in company.records.values())
    print(
        f"{args.scale} company (seed {args.seed}): {len(company.projects)} projects, "
        f"{total:,} records, generated in {time.perf_counter() - started:.1f} s; "
        f"per_page {per_page}, page_workers {args.page_workers}"
    )
    settings = SandboxSettings(
        strict_company_header=True, rate_limit_spike=None, rate_limit_hourly=None
    )
    with (
        ProcoreSandbox(company, settings) as sandbox,
        tempfile.TemporaryDirectory(prefix="loader-benchmark-") as directory,
    ):
        counter = RequestCounter(sandbox)
        options = {
            "raw_path": str(Path(directory) / "raw.duckdb"),
            "pipelines_dir": str(Path(directory) / "pipelines"),
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
            "company_ids": [company.company_id],
            "environment": "custom",
            "base_url": sandbox.base_url,
            "per_page": per_page,
            "page_workers": args.page_workers,
        }

        # 1. full load
        minimum = floor(company, per_page)
        full = run_loader(options, counter)
        print("\n1. full load")
        print(
            f"  requests {full.requests:,}, minimum {minimum.total:,}, "
            f"difference {full.requests - minimum.total:+,}"
        )
        print(
            f"  wall time {full.seconds:.1f} s (child process {full.process_seconds:.1f} s, "
            f"{full.cpu_seconds:.1f} s of CPU); "
            f"{full.records:,} records, {full.records / full.seconds:,.0f} records/s, "
            f"{full.requests / full.seconds:,.0f} requests/s; "
            f"loader peak RSS {full.peak_mib:,.0f} MiB"
        )
        _common(full)
        _per_resource(full.served, minimum, "minimum")
        _rows_check(full, minimum)

        # 2. incremental load after a day
        started = time.perf_counter()
        sandbox.advance(1)
        advanced = time.perf_counter() - started
        bound = floor(company, per_page, _changed_rule, minimum.cursors)
        design = floor(company, per_page, _overlap_rule, minimum.cursors)
        incremental = run_loader(options, counter)
        print(f"\n2. incremental load after sandbox.advance(1) ({advanced:.1f} s)")
        print(
            f"  requests {incremental.requests:,}, bound {bound.total:,}, "
            f"difference {incremental.requests - bound.total:+,} "
            f"(with the {CURSOR_OVERLAP.seconds // 60}-minute cursor overlap re-read: "
            f"{design.total:,})"
        )
        print(
            f"  wall time {incremental.seconds:.1f} s; {incremental.records:,} records "
            f"(tombstones included); rows to read: "
            f"{sum(bound.rows.values()):,} at the bound, {sum(design.rows.values()):,} with "
            f"the overlap; loader peak RSS {incremental.peak_mib:,.0f} MiB"
        )
        _common(incremental)
        _per_resource(incremental.served, bound, "bound")
        extra = Counter(design.requests)
        extra.subtract(bound.requests)
        explained = {name: count for name, count in extra.items() if count}
        if explained:
            print(f"  of which the cursor overlap accounts for: {explained}")

        # 3. reconciliation
        if args.reconcile:
            everything = floor(company, per_page)
            reconcile = run_loader({**options, "reconcile_every_hours": 0}, counter)
            print("\n3. reconciling load (reconcile_every_hours=0)")
            print(
                f"  requests {reconcile.requests:,}, minimum {everything.total:,}, "
                f"difference {reconcile.requests - everything.total:+,}"
            )
            print(
                f"  wall time {reconcile.seconds:.1f} s; {reconcile.records:,} records "
                f"({reconcile.records / reconcile.seconds:,.0f} records/s); "
                f"loader peak RSS {reconcile.peak_mib:,.0f} MiB"
            )
            _common(reconcile)
            _per_resource(reconcile.served, everything, "minimum")


if __name__ == "__main__":
    main()
