"""`pcw status`: what the last loads did, how fresh the raw data is, how old the warehouse."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from load.pipeline import DATASET_NAME, REPORT_TABLE, failed_loads_path

from .errors import PcwError
from .paths import DataPaths

# The freshness thresholds of the dbt sources (models/staging/procore/_procore__sources.yml).
WARN_AFTER = timedelta(hours=26)
ERROR_AFTER = timedelta(hours=74)


def status_lines(paths: DataPaths, runs: int = 5, now: datetime | None = None) -> list[str]:
    """Lines describing the last ``runs`` loads, the raw data's freshness and the warehouse.

    Reads the raw file read-only, so it can run while a BI tool holds the warehouse (but not
    while a load writes the raw file: DuckDB allows one writer or many readers).
    """
    now = now or datetime.now(UTC)
    if not paths.raw.exists():
        raise PcwError(f"No raw data at {paths.raw}: run `pcw load` (or `pcw run`) first.")
    try:
        connection = duckdb.connect(str(paths.raw), read_only=True)
    except duckdb.Error as error:
        raise PcwError(
            f"Cannot open the raw file {paths.raw} ({str(error).splitlines()[0]}): a load may "
            "be running; try again when it has finished."
        ) from None
    with connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [DATASET_NAME],
            ).fetchall()
        }
        if REPORT_TABLE not in tables or "_dlt_loads" not in tables:
            # The file exists but no REST load has finished in it (the first one failed, or
            # only another source was loaded).
            summaries: list[tuple[Any, ...]] = []
            skips: dict[datetime, int] = {}
            last_load: datetime | None = None
        else:
            summaries, skips, last_load = _report(connection, runs)
    summaries = sorted(
        [*summaries, *_failed_loads(paths.raw)], key=lambda run: run[0], reverse=True
    )[:runs]
    lines = [f"Last {len(summaries)} loads into {paths.raw} (newest first):"]
    for finished_at, kind, rows, requests, retries, waits, message in summaries:
        if kind == "failed":
            lines.append(
                f"  {_when(finished_at, now)}: FAILED after {requests:,} requests: {message}"
            )
            continue
        line = (
            f"  {_when(finished_at, now)}: {rows:,} rows, {requests:,} requests, "
            f"{retries} retries, {waits} rate-limit waits, {skips.get(finished_at, 0)} lists "
            "skipped"
        )
        lines.append(line + (f"; stopped early: {message}" if message else ""))
    lines.append(_freshness(last_load, now))
    lines.append(_warehouse(paths.warehouse, now))
    return lines


def _report(
    connection: duckdb.DuckDBPyConnection, runs: int
) -> tuple[list[tuple[Any, ...]], dict[datetime, int], datetime | None]:
    """The last ``runs`` finished loads, the skips per run, and when the last one finished."""
    report = f"{DATASET_NAME}.{REPORT_TABLE}"
    summaries = connection.execute(
        f"""
        select finished_at, kind, rows_loaded, requests, retries, rate_limit_waits, message
        from {report}
        where kind = 'summary'
        order by finished_at desc
        limit ?
        """,
        [runs],
    ).fetchall()
    skips = dict(
        connection.execute(
            f"""
            select finished_at, count(*)
            from {report}
            where kind = 'skipped'
            group by finished_at
            """
        ).fetchall()
    )
    last_load: datetime | None = connection.execute(
        f"select max(inserted_at) from {DATASET_NAME}._dlt_loads where status = 0"
    ).fetchall()[0][0]
    return summaries, skips, last_load


def _failed_loads(raw: Path) -> list[tuple[Any, ...]]:
    """Failed loads from the log next to the raw file, shaped like the report's summaries."""
    log = failed_loads_path(raw)
    if not log.exists():
        return []
    failed = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            finished_at = datetime.fromisoformat(entry["finished_at"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash says nothing reliable
        failed.append(
            (
                finished_at,
                "failed",
                None,
                entry.get("requests", 0),
                None,
                None,
                entry.get("message"),
            )
        )
    return failed


def _freshness(last_load: datetime | None, now: datetime) -> str:
    if last_load is None:
        return "Raw data: no finished load yet."
    age = now - last_load
    verdict = "fresh"
    if age > ERROR_AFTER:
        verdict = (
            f"STALE (over {ERROR_AFTER.total_seconds() / 3600:.0f} h: dbt source freshness errors)"
        )
    elif age > WARN_AFTER:
        verdict = (
            f"aging (over {WARN_AFTER.total_seconds() / 3600:.0f} h: dbt source freshness warns)"
        )
    return f"Raw data: last finished load {_when(last_load, now)}, {verdict}."


def _warehouse(warehouse: Path, now: datetime) -> str:
    if not warehouse.exists():
        return f"Warehouse: none at {warehouse}; run `pcw build`."
    built = datetime.fromtimestamp(warehouse.stat().st_mtime, UTC)
    return f"Warehouse: {warehouse}, built {_when(built, now)}."


def _when(moment: datetime, now: datetime) -> str:
    """A moment as UTC time and age: ``2026-06-30 15:30 UTC (2.5 h ago)``."""
    hours = (now - moment).total_seconds() / 3600
    age = f"{hours * 60:.0f} min ago" if hours < 1 else f"{hours:.1f} h ago"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({age})"
