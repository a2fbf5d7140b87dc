"""Run the Procore source into the raw DuckDB file.

    pcw load                          # reads .dlt/config.toml and .dlt/secrets.toml

The raw file (dlt) and the warehouse file (dbt) are kept apart: dbt attaches raw read-only.
"""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
from dlt.pipeline.exceptions import PipelineStepFailed

from .procore import ProcoreSourceError, RequestStats, procore_source
from .procore.run import Progress

PIPELINE_NAME = "procore"
# Never the raw file's stem ("raw"): dlt then fails with a DuckDB Binder error.
DATASET_NAME = "procore"
# DuckDB takes up to 80% of the machine's memory by default, and dlt's merges of the largest
# tables take gigabytes. Past this limit DuckDB spills to a temporary directory next to the
# raw file instead, so a load fits next to a BI tool on a laptop (docs/decisions.md has the
# figures behind the value).
RAW_MEMORY_LIMIT = "384MB"


@dataclass
class LoadSummary:
    """What one load did: rows per raw table and requests made."""

    raw_path: Path
    rows_loaded: dict[str, int] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)
    stats: RequestStats = field(default_factory=RequestStats)


def _unwrap(error: BaseException) -> BaseException:
    """The first ``ProcoreSourceError`` in an exception chain, else the error itself."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ProcoreSourceError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return error


@contextmanager
def _rare_garbage_collection() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of the way while loading.

    Every page becomes thousands of short-lived dicts and lists (1.5 million records at
    `large`). With the default thresholds the collector walks the young objects every 700
    allocations and, now and then, everything alive: 12% of a `large` load's time.
    Reference counting frees the pages anyway (they hold no cycles); what was alive before
    the load (modules, dlt, pyarrow) is frozen out of the walks, and the collector still
    runs, every 50,000 allocations.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def run_load(
    raw_path: Path,
    pipelines_dir: Path,
    progress: Callable[[str, int, int, int], None] | None = None,
    **source_options: Any,
) -> LoadSummary:
    """Load Procore into ``raw_path`` and return what was loaded.

    Args:
        raw_path: The raw DuckDB file dlt writes.
        pipelines_dir: Where dlt keeps its working state (cursors, pending packages).
        progress: Called as ``(resource, lists read, lists planned, rows read)`` while the
            load goes.
        **source_options: Arguments of ``procore_source``; the rest comes from dlt config.

    Raises:
        ProcoreSourceError: with a one-line explanation, for every failure of the source.
    """
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    working_dir = pipelines_dir / PIPELINE_NAME
    first_load = not raw_path.exists()
    if first_load:
        # Failures logged against a raw file that is gone describe another history.
        failed_loads_path(raw_path).unlink(missing_ok=True)
    if first_load and working_dir.exists():
        # Cursors describe what the raw file holds; with the file gone they would make the
        # next run skip history. Start over, as dlt would for a new destination.
        shutil.rmtree(working_dir)
    # The source resolves and checks its configuration when it is made: a missing or malformed
    # setting must fail before the raw file is created or opened.
    stats = RequestStats()
    source = procore_source(**source_options, stats=stats, progress=Progress(progress))
    # One connection for the whole run, handed to dlt: dlt otherwise opens the file for each
    # load job and closes it after, with a checkpoint each time (docs/decisions.md).
    try:
        connection = duckdb.connect(str(raw_path), config={"memory_limit": RAW_MEMORY_LIMIT})
    except duckdb.IOException as error:
        reason = (str(error).splitlines() or [""])[0]
        raise ProcoreSourceError(
            f"Cannot open the raw file {raw_path} for writing ({reason}): another load may "
            "be running; wait for it to finish."
        ) from None
    pipeline = dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=dlt.destinations.duckdb(connection),
        dataset_name=DATASET_NAME,
        pipelines_dir=str(pipelines_dir),
    )
    try:
        with _rare_garbage_collection():
            pipeline.run(source, loader_file_format="parquet")
    except (PipelineStepFailed, ProcoreSourceError) as error:
        connection.close()
        if first_load:
            # dlt opens the destination before extracting; a first run that failed must not
            # leave an empty raw file (or cursors) that look like a loaded warehouse.
            _remove_database(raw_path)
            shutil.rmtree(working_dir, ignore_errors=True)
            if pipelines_dir.is_dir() and not any(pipelines_dir.iterdir()):
                pipelines_dir.rmdir()
        cause = _unwrap(error)
        if not first_load:
            # The raw file keeps its earlier loads; the report says this one failed, and why.
            message = (str(cause).splitlines() or [type(cause).__name__])[0]
            record_failed_load(raw_path, stats, message)
        if isinstance(cause, ProcoreSourceError):
            raise cause from None
        raise
    finally:
        connection.close()
    summary = LoadSummary(raw_path=raw_path, stats=stats)
    trace = pipeline.last_trace
    if trace is not None and trace.last_normalize_info is not None:
        summary.rows_loaded = {
            table: count
            for table, count in trace.last_normalize_info.row_counts.items()
            if not table.startswith("_dlt")
        }
    summary.table_rows = raw_table_rows(raw_path)
    record_load_report(raw_path, summary)
    return summary


REPORT_TABLE = "pcw_load_report"


def record_load_report(raw_path: Path, summary: LoadSummary) -> None:
    """Append this run to ``procore.pcw_load_report`` in the raw file.

    One ``summary`` row per run (rows loaded, requests, retries, waits, an early stop) and one
    ``skipped`` row per (project, resource) skipped for a 403 or 404: what a scheduler, or a
    dashboard over the raw file, needs to see that a run was partial. Written after dlt has
    finished with the file; dlt ignores tables it did not create.
    """
    stats = summary.stats
    finished_at = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = [
        (
            finished_at,
            "summary",
            None,
            None,
            None,
            None,
            sum(summary.rows_loaded.values()),
            stats.requests,
            stats.retries,
            stats.rate_limit_waits,
            stats.stopped_early,
        )
    ]
    rows += [
        (finished_at, "skipped", company, project, resource, status, None, None, None, None, text)
        for company, project, resource, status, text in stats.skipped
    ]
    _append_to_report(raw_path, rows)


def failed_loads_path(raw_path: Path) -> Path:
    """The JSON-lines log of failed loads, next to the raw file (``raw.failed_loads.jsonl``)."""
    return raw_path.with_name(f"{raw_path.stem}.failed_loads.jsonl")


def record_failed_load(raw_path: Path, stats: RequestStats, message: str) -> None:
    """Append a failed load to the log next to the raw file: when, requests, the error line.

    Not to the raw file itself: a failed run leaves it byte for byte as the last good load
    left it. Only for a raw file that holds earlier loads (a failed first load leaves no
    file). The message is the one-line error `pcw` prints, which never holds a secret.
    """
    entry = {
        "finished_at": datetime.now(UTC).isoformat(),
        "requests": stats.requests,
        "retries": stats.retries,
        "rate_limit_waits": stats.rate_limit_waits,
        "message": message,
    }
    with failed_loads_path(raw_path).open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def _append_to_report(raw_path: Path, rows: list[tuple[Any, ...]]) -> None:
    with duckdb.connect(str(raw_path)) as connection:
        connection.execute(
            f"""
            create table if not exists {DATASET_NAME}.{REPORT_TABLE} (
                finished_at timestamptz, kind varchar, company_id bigint, project_id bigint,
                resource varchar, http_status integer, rows_loaded bigint, requests bigint,
                retries bigint, rate_limit_waits bigint, message varchar
            )
            """
        )
        connection.executemany(
            f"insert into {DATASET_NAME}.{REPORT_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _remove_database(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def raw_table_rows(raw_path: Path) -> dict[str, int]:
    """Row counts of every data table in the raw dataset."""
    with duckdb.connect(str(raw_path), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_name not like '\\_dlt%' escape '\\' "
                "and table_name <> ? order by table_name",
                [DATASET_NAME, REPORT_TABLE],
            ).fetchall()
        ]
        return {
            table: connection.execute(f'select count(*) from {DATASET_NAME}."{table}"').fetchall()[
                0
            ][0]
            for table in tables
        }
