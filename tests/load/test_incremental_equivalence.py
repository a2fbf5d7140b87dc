"""An incremental load ends where a fresh full load of the same company ends.

After the sandbox lives through a day (updates, soft and hard deletions), an incremental
load that reconciles must leave the raw file equal, table by table, by primary key and
content, to a full load of the advanced company into a new file: also when the API fails
now and then, and when a run is killed half-way and started again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

from load.pipeline import DATASET_NAME, REPORT_TABLE, LoadSummary, run_load
from load.procore import arrow, client
from load.procore.catalog import BY_NAME, DELETED_COLUMN
from sandbox import Company, ProcoreSandbox, SandboxSettings
from sandbox.faults import Fault, FaultKind, FaultPlan
from tests.conftest import options_for

REPO = Path(__file__).resolve().parents[2]
SHOWN = 3  # differing rows shown per side when two tables disagree

Rows = Counter[tuple[Any, ...]]
Connection = duckdb.DuckDBPyConnection


# -- comparing two raw files by primary key and content -------------------------------------


def _hashable(value: Any) -> Any:
    """A DuckDB value a Counter can hold (lists and structs come back mutable)."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


def _data_tables(connection: Connection) -> set[str]:
    names = connection.execute(
        "select table_name from information_schema.tables where table_schema = ?",
        [DATASET_NAME],
    ).fetchall()
    return {name for (name,) in names if not name.startswith("_dlt") and name != REPORT_TABLE}


def _content_columns(connection: Connection, table: str) -> list[str]:
    """A table's columns but dlt's bookkeeping and the tombstone marker (null on every row)."""
    names = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [DATASET_NAME, table],
    ).fetchall()
    return [name for (name,) in names if not name.startswith("_dlt_") and name != DELETED_COLUMN]


def _rows(
    connection: Connection, table: str, columns: list[str], where: str = "true"
) -> tuple[list[str], Rows]:
    """A table's rows as a multiset of tuples that start with the entry's key.

    Nested lists are JSON columns of their record's row, so every raw table is a catalog
    entry's table.
    """
    assert table in BY_NAME, f"{table} is not a catalog table"
    key = BY_NAME[table].key
    header = [*key, *(c for c in columns if c not in key)]
    selected = ", ".join(f'"{c}"' for c in header)
    sql = f'select {selected} from {DATASET_NAME}."{table}" as t where {where}'
    rows = connection.execute(sql).fetchall()
    return header, Counter(tuple(_hashable(value) for value in row) for row in rows)


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _explain(table: str, header: list[str], rows: tuple[Rows, Rows], names: tuple[str, str]) -> str:
    """A few rows of each side that the other lacks: by key, the values that differ."""
    width = len(BY_NAME[table].key)
    only = (rows[0] - rows[1], rows[1] - rows[0])
    counts = f"{sum(rows[0].values())} rows in {names[0]}, {sum(rows[1].values())} in {names[1]}"
    lines = [f"{table}: {counts}; {sum(only[0].values())} and {sum(only[1].values())} differ"]
    by_key = [{row[:width]: row for row in side} for side in only]
    paired = sorted(by_key[0].keys() & by_key[1].keys(), key=repr)[:SHOWN]
    for key in paired:
        left, right = by_key[0][key], by_key[1][key]
        changes = [
            f"{name} {_short(a)} ≠ {_short(b)}"
            for name, a, b in zip(header[width:], left[width:], right[width:], strict=True)
            if a != b
        ]
        lines.append(f"  {dict(zip(header, key, strict=False))}: {'; '.join(changes[:4])}")
    for name, side, other in ((names[0], by_key[0], by_key[1]), (names[1], by_key[1], by_key[0])):
        for key in sorted(side.keys() - other.keys(), key=repr)[:SHOWN]:
            values = [
                f"{h}={_short(v)}"
                for h, v in zip(header[width:], side[key][width:], strict=True)
                if v is not None
            ]
            lines.append(
                f"  only in {name}: {dict(zip(header, key, strict=False))} {', '.join(values[:4])}"
            )
    return "\n".join(lines)


def raw_differences(left: Path, right: Path, names: tuple[str, str] = ("left", "right")) -> str:
    """How two raw files differ by primary key and content; empty when they do not.

    Data tables are matched by name (dlt's own tables and the load report left out). Rows
    are compared on the columns both files have; a column only one file has must be null.
    """
    with (
        duckdb.connect(str(left), read_only=True) as one,
        duckdb.connect(str(right), read_only=True) as other,
    ):
        connections = (one, other)
        tables = (_data_tables(one), _data_tables(other))
        problems = [
            f"table {table} only in {name}"
            for name, these, those in zip(names, tables, tables[::-1], strict=True)
            for table in sorted(these - those)
        ]
        for table in sorted(tables[0] & tables[1]):
            columns = [_content_columns(connection, table) for connection in connections]
            for name, connection, these, those in zip(
                names, connections, columns, columns[::-1], strict=True
            ):
                for column in (c for c in these if c not in those):
                    count = connection.execute(
                        f'select count("{column}") from {DATASET_NAME}."{table}"'
                    ).fetchone()[0]
                    if count:
                        problems.append(f"{table}.{column} only in {name}, {count} values")
            shared = [column for column in columns[0] if column in columns[1]]
            header, rows = _rows(one, table, shared)
            _, other_rows = _rows(other, table, shared)
            if rows != other_rows:
                problems.append(_explain(table, header, (rows, other_rows), names))
    return "\n".join(problems)


def assert_same_raw(left: Path, right: Path, names: tuple[str, str]) -> None:
    differences = raw_differences(left, right, names)
    assert not differences, f"{names[0]} and {names[1]} raw files differ:\n{differences}"


# -- loads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreshLoad:
    """A full load into a new raw file, and how many requests it took."""

    raw: Path
    requests: int


def _fingerprint(company: Company) -> str:
    served = orjson.dumps(
        [company.clock, company.records], default=str, option=orjson.OPT_NON_STR_KEYS
    )
    return hashlib.sha256(served).hexdigest()


@pytest.fixture(scope="module")
def fresh_full_load(tmp_path_factory) -> Callable[[Company], FreshLoad]:
    """A full load of a copy of the company, as it is now, into a new raw file.

    Made once per company state in this module: the day every test lives through is the
    same day (same seed, same clock), and a full load takes seconds.
    """
    made: dict[str, FreshLoad] = {}

    def load(company: Company) -> FreshLoad:
        fingerprint = _fingerprint(company)
        if fingerprint not in made:
            copied = copy.deepcopy(company)
            settings = SandboxSettings(strict_company_header=True, rate_limit_spike=None)
            directory = tmp_path_factory.mktemp("fresh")
            with ProcoreSandbox(copied, settings) as sandbox:
                summary = _load(directory, options_for(sandbox, copied))
            made[fingerprint] = FreshLoad(summary.raw_path, summary.stats.requests)
        return made[fingerprint]

    return load


def _load(directory: Path, options: dict[str, Any]) -> LoadSummary:
    return run_load(directory / "raw.duckdb", directory / "pipelines", **options)


def _snapshot(raw: Path, directory: Path) -> Path:
    """A copy of a raw file (DuckDB checkpoints when the last connection closes)."""
    directory.mkdir()
    target = directory / raw.name
    target.write_bytes(raw.read_bytes())
    return target


# -- the day's changes are all loaded, and nothing else changes -------------------------------


def test_an_incremental_load_after_a_day_equals_a_fresh_full_load(
    company, sandbox, data_dir, fresh_full_load
):
    _load(data_dir, options_for(sandbox, company))
    before = _snapshot(data_dir / "raw.duckdb", data_dir / "before")
    sandbox.advance(1)
    _load(data_dir, options_for(sandbox, company, reconcile_every_hours=0))
    fresh = fresh_full_load(company).raw

    changes = raw_differences(before, fresh, ("before", "after"))
    assert "only in before" in changes and "only in after" in changes, "the day changed nothing"
    assert_same_raw(data_dir / "raw.duckdb", fresh, ("incremental", "fresh"))


def _make_the_api_flaky(faults: FaultPlan, seed: int) -> None:
    """Now and then a 5xx, a reset or a cut page, and a 429 storm: retries get through."""
    faults.clear()
    for offset, status in enumerate((500, 502, 503)):
        faults.randomly(Fault.error(status), probability=0.01, seed=seed + offset)
    faults.randomly(Fault.connection_reset(), probability=0.015, seed=seed + 3)
    faults.randomly(Fault.truncated_json(), probability=0.015, seed=seed + 4)
    faults.schedule(Fault.too_many_requests(retry_after=1), nth=40, times=3)


def test_an_incremental_load_through_a_flaky_api_equals_a_fresh_full_load(
    company, sandbox, data_dir, fresh_full_load, monkeypatch
):
    # Backoffs of milliseconds: the 5xx, resets and cut pages of two loads are dozens.
    monkeypatch.setattr(client, "BACKOFF_SECONDS", 0.01)
    # Every page goes to the Arrow reader first, cut pages included (the fresh load's are
    # too short for it).
    monkeypatch.setattr(arrow.PageReader, "MIN_BYTES", 0)
    _make_the_api_flaky(sandbox.faults, seed=1)
    first = _load(data_dir, options_for(sandbox, company))
    sandbox.advance(1)
    _make_the_api_flaky(sandbox.faults, seed=11)
    second = _load(data_dir, options_for(sandbox, company, reconcile_every_hours=0))

    served = Counter((fault.kind, fault.status) for fault in sandbox.faults.injected)
    assert served.keys() == {
        (FaultKind.ERROR, 500),
        (FaultKind.ERROR, 502),
        (FaultKind.ERROR, 503),
        (FaultKind.CONNECTION_RESET, None),
        (FaultKind.TRUNCATED_JSON, None),
        (FaultKind.RATE_LIMIT, 429),
    }
    assert first.stats.retries and second.stats.retries and second.stats.rate_limit_waits
    assert_same_raw(data_dir / "raw.duckdb", fresh_full_load(company).raw, ("flaky", "fresh"))


# -- a run killed half-way ------------------------------------------------------------------

CHILD = """
import json, sys
from pathlib import Path
from load.pipeline import run_load
raw, pipelines, options = json.loads(sys.argv[1])
run_load(Path(raw), Path(pipelines), **options)
"""


def _killed_load(sandbox, directory: Path, options: dict[str, Any], after_requests: int) -> int:
    """Run a load in another process and SIGKILL it at its ``after_requests``-th request.

    Returns the process's exit code: ``-SIGKILL`` when it was killed mid-run.
    """
    handle, lock, seen, child = sandbox.handle, threading.Lock(), [0], []

    def killing(request):
        with lock:  # held while the child starts, so `child` is set before its first request
            seen[0] += 1
            if seen[0] == after_requests:
                os.kill(child[0].pid, signal.SIGKILL)
        return handle(request)

    argument = json.dumps([str(directory / "raw.duckdb"), str(directory / "pipelines"), options])
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "RUNTIME__LOG_LEVEL": "ERROR",
    }
    sandbox.handle = killing
    try:
        with lock, (directory.parent / "child.log").open("w") as log:
            child.append(
                subprocess.Popen(
                    [sys.executable, "-c", CHILD, argument],
                    cwd=REPO,
                    env=environment,
                    stdout=log,
                    stderr=log,
                )
            )
        child[0].wait(timeout=300)
    finally:
        sandbox.handle = handle
    return child[0].returncode


def test_a_run_killed_half_way_then_run_again_equals_a_fresh_full_load(
    company, sandbox, data_dir, fresh_full_load
):
    _load(data_dir, options_for(sandbox, company))
    sandbox.advance(1)
    options = options_for(sandbox, company, reconcile_every_hours=0)
    fresh = fresh_full_load(company)

    # A reconciling run re-reads every list, as many requests as a full load.
    code = _killed_load(sandbox, data_dir, options, after_requests=fresh.requests // 2)
    assert code == -signal.SIGKILL, (data_dir.parent / "child.log").read_text()[-2000:]
    _load(data_dir, options)
    assert_same_raw(data_dir / "raw.duckdb", fresh.raw, ("killed and rerun", "fresh"))


def test_a_first_full_load_killed_half_way_then_run_again_equals_a_fresh_full_load(
    company, sandbox, data_dir, fresh_full_load
):
    options = options_for(sandbox, company)
    fresh = fresh_full_load(company)

    code = _killed_load(sandbox, data_dir, options, after_requests=fresh.requests // 2)
    assert code == -signal.SIGKILL, (data_dir.parent / "child.log").read_text()[-2000:]
    _load(data_dir, options)
    assert_same_raw(data_dir / "raw.duckdb", fresh.raw, ("killed and rerun", "fresh"))


# -- without reconciliation ----------------------------------------------------------------


def _record_lists(sandbox) -> list[tuple[str, tuple[tuple[str, str], ...], str | None]]:
    """Record every API request from now on: path, filters, page."""
    handle, lock, seen = sandbox.handle, threading.Lock(), []

    def recording(request):
        if request.path.startswith("/rest/"):
            filters = tuple(
                sorted((k, v) for k, v in request.query if k not in ("page", "per_page"))
            )
            with lock:
                seen.append((request.path, filters, request.param("page")))
        return handle(request)

    sandbox.handle = recording
    return seen


def test_without_reconciliation_an_incremental_load_reads_every_change_in_one_request_per_list(
    company, sandbox, data_dir, fresh_full_load
):
    _load(data_dir, options_for(sandbox, company))
    yesterday = company.clock
    sandbox.advance(1)
    requests = _record_lists(sandbox)
    _load(data_dir, options_for(sandbox, company))  # reconciles every 24 h: not now
    fresh = fresh_full_load(company).raw

    per_list = Counter((path, filters) for path, filters, _ in requests)
    assert set(per_list.values()) == {1}, "every list is read once"
    assert {page for *_, page in requests} <= {None, "1"}, "in one page"

    changed_since = f"try_cast(t.updated_at as timestamptz) > '{yesterday.isoformat()}'"
    missing, changed = [], 0
    with (
        duckdb.connect(str(fresh), read_only=True) as after,
        duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as loaded,
    ):
        for table in sorted(set(BY_NAME) & _data_tables(after)):
            columns = _content_columns(after, table)
            if "updated_at" not in columns:
                continue
            shared = [column for column in columns if column in _content_columns(loaded, table)]
            for column in (c for c in columns if c not in shared):
                count = after.execute(
                    f'select count(t."{column}") from {DATASET_NAME}."{table}" as t '
                    f"where {changed_since}"
                ).fetchone()[0]
                if count:
                    missing.append(f"{table}.{column}: {count} changed values, no column")
            header, rows = _rows(after, table, shared, where=changed_since)
            _, have = _rows(loaded, table, shared)
            changed += sum(rows.values())
            if lacking := rows - have:
                width = len(BY_NAME[table].key)
                keys = {row[:width] for row in lacking}
                near = Counter({row: n for row, n in have.items() if row[:width] in keys})
                missing.append(_explain(table, header, (lacking, near), ("fresh", "incremental")))
    assert changed > 10, "the day changed too little to tell"
    assert not missing, "changes the incremental load missed:\n" + "\n".join(missing)
