"""Run the Procore Analytics source into the raw DuckDB file (``pcw load analytics``).

The same raw file as the REST loader (``load/pipeline.py``), its own dataset
(``procore_analytics``), dlt pipeline and working directory. As there, one DuckDB connection
is handed to dlt for the whole run. The credentials are checked and the share's tables listed
before the raw file is opened, so a bad token or setting leaves the file untouched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
from dlt.common.pipeline import ExtractInfo
from dlt.pipeline.exceptions import PipelineStepFailed

from .procore_analytics import (
    AnalyticsRun,
    ProcoreAnalyticsError,
    RequestStats,
    TableRef,
    procore_analytics_source,
)
from .procore_analytics.snapshot_files import SNAPSHOT_FILES_DIR, duckdb_destination

PIPELINE_NAME = "procore_analytics"
# Never the raw file's stem ("raw"): dlt then fails with a DuckDB Binder error.
DATASET_NAME = "procore_analytics"
REPORT_TABLE = "pcw_load_report"
# As the REST loader, DuckDB spills to disk past this instead of taking 80% of the memory.
# Its inserts of whole tables need more room than the REST loader's merges: under 768 MB it
# evicts and rereads while it inserts (docs/decisions.md, "Loading the Procore Analytics
# share (speed)", has the figures).
RAW_MEMORY_LIMIT = "768MB"
# dlt's replace strategies on DuckDB are "truncate-and-insert" (the default: the raw table is
# emptied before the new rows are copied in, so a failed copy leaves it empty) and
# "insert-from-staging" (the rows are copied to a staging table first, then the raw table is
# emptied and filled from it by one SQL job). "staging-optimized" is not offered on DuckDB.
REPLACE_STRATEGY = "insert-from-staging"
# A first load (the raw file did not exist) has no previous copy to keep, and a first load that
# fails deletes the file: its rows go straight into the raw tables, without the staging copy.
FIRST_LOAD_REPLACE_STRATEGY = "truncate-and-insert"
# dlt 1.31 runs that SQL job (and a merge's delete + insert) in a transaction only where the
# destination declares `supports_transactions`, which its DuckDB destination leaves unset: the
# raw table would stay emptied when the insert fails. DuckDB has transactions; declared here,
# a failed replace or merge rolls back and leaves the previous copy.
TRANSACTIONAL = {"supports_transactions": True}


@dataclass
class AnalyticsLoadSummary:
    """What one load of the share did."""

    raw_path: Path
    run: AnalyticsRun = field(default_factory=AnalyticsRun)
    rows_loaded: dict[str, int] = field(default_factory=dict)

    @property
    def stats(self) -> RequestStats:
        """Calls made to the sharing server."""
        return self.run.stats


@dataclass(frozen=True)
class ListedTable:
    """One table the token can read, as ``pcw load analytics --list`` shows it."""

    table: TableRef
    raw_table: str
    version: int
    change_data_feed: bool


def _unwrap(error: BaseException) -> BaseException:
    """The first ``ProcoreAnalyticsError`` in an exception chain, else the error itself."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ProcoreAnalyticsError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return error


def _with_profile(profile: Path | str | None, options: dict[str, Any]) -> dict[str, Any]:
    # A profile given on the command line wins over the configured credentials; arguments
    # left out are resolved by dlt from .dlt/ and the environment.
    if profile is not None:
        return {**options, "profile": str(profile)}
    return options


def list_share(profile: Path | str | None = None, **source_options: Any) -> list[ListedTable]:
    """Every table the token can read, with its version and whether it shares its changes.

    Configured as the load is (``[sources.procore_analytics]``); ``profile`` overrides the
    configured credentials. Loads nothing and opens no raw file.
    """
    run = AnalyticsRun()
    procore_analytics_source(**_with_profile(profile, source_options), run=run)
    assert run.client is not None  # the source made it
    try:
        listed = []
        for table, raw in run.raw_tables.items():
            answer = run.client.table_metadata(table)
            listed.append(ListedTable(table, raw, answer.version, answer.metadata.change_data_feed))
        return listed
    finally:
        run.client.close()


def run_analytics_load(
    raw_path: Path,
    pipelines_dir: Path,
    profile: Path | str | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
    **source_options: Any,
) -> AnalyticsLoadSummary:
    """Load the share into ``raw_path`` and return what was loaded.

    Args:
        raw_path: The raw DuckDB file (shared with the REST loader).
        pipelines_dir: Where dlt keeps its working state (table versions, pending packages).
        profile: A profile file overriding the configured credentials.
        progress: Told ``(raw table, files read, files to read, rows read)`` as the data
            files of changed tables are read.
        **source_options: Arguments of ``procore_analytics_source``; the rest comes from dlt
            config.

    Raises:
        ProcoreAnalyticsError: with a one-line explanation, for every failure of the source.
    """
    run = AnalyticsRun(progress=progress)
    # Credentials, share and tables are checked here, before the raw file is opened.
    source = procore_analytics_source(**_with_profile(profile, source_options), run=run)
    raw_path.parent.mkdir(parents=True, exist_ok=True)
    working_dir = pipelines_dir / PIPELINE_NAME
    first_load = not raw_path.exists()
    if first_load and working_dir.exists():
        # Table versions describe what the raw file holds; with the file gone they would
        # make this run skip every table.
        shutil.rmtree(working_dir)
    try:
        connection = duckdb.connect(str(raw_path), config={"memory_limit": RAW_MEMORY_LIMIT})
    except duckdb.IOException as error:
        reason = (str(error).splitlines() or [""])[0]
        raise ProcoreAnalyticsError(
            f"Cannot open the raw file {raw_path} for writing ({reason}): another load may "
            "be running; wait for it to finish."
        ) from None
    pipeline = dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=duckdb_destination(
            connection,
            replace_strategy=FIRST_LOAD_REPLACE_STRATEGY if first_load else REPLACE_STRATEGY,
            **TRANSACTIONAL,
        ),
        dataset_name=DATASET_NAME,
        pipelines_dir=str(pipelines_dir),
    )
    summary = AnalyticsLoadSummary(raw_path=raw_path, run=run)
    try:
        # What `pipeline.run` does, in steps: raw columns whose Delta type changed are
        # retyped between normalizing and loading (dlt only ever adds columns).
        pipeline.sync_destination()
        extracted = pipeline.extract(source, loader_file_format="parquet")
        pipeline.normalize()
        _retype_columns(pipeline, connection, run.retyped)
        pipeline.load()
        # Every package is loaded: no load needs the data files kept for it any more.
        shutil.rmtree(working_dir / SNAPSHOT_FILES_DIR, ignore_errors=True)
    except (PipelineStepFailed, ProcoreAnalyticsError) as error:
        connection.close()
        if first_load:
            # A first run that failed must not leave a raw file (or versions) that look
            # like a loaded share.
            for leftover in (raw_path, raw_path.with_name(raw_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(working_dir, ignore_errors=True)
        cause = _unwrap(error)
        if isinstance(cause, ProcoreAnalyticsError):
            raise cause from None
        raise
    finally:
        connection.close()
        run.close()
    summary.rows_loaded = {
        table: count
        for table, count in _row_counts(extracted).items()
        if not table.startswith("_dlt")
    }
    record_load_report(raw_path, summary)
    return summary


def _row_counts(extracted: ExtractInfo) -> dict[str, int]:
    """Rows per table of the load package, as extracted.

    Counted at extraction: dlt's normalize step counts no rows in the Parquet files it is
    handed to import as they are (``_imported`` in the source).
    """
    counts: dict[str, int] = {}
    for metrics in extracted.metrics.values():
        for step in metrics:
            for table, table_metrics in step["table_metrics"].items():
                counts[table] = counts.get(table, 0) + table_metrics.items_count
    return counts


def _retype_columns(
    pipeline: dlt.Pipeline,
    connection: duckdb.DuckDBPyConnection,
    retyped: dict[str, dict[str, pa.DataType]],
) -> None:
    """Give raw columns whose Delta type changed their new type, before the reload.

    dlt has already taken the new type into its schema (it never alters a column), so the
    DuckDB type is the one dlt would create the column with. The table is replaced in the
    same load, so old values only need to survive the cast for as long as a failed load
    leaves them (``TRY_CAST``: null where they do not fit). The staging copy is dropped; dlt
    creates it again with the new types.
    """
    if not retyped:
        return
    statements = []
    with pipeline.destination_client() as client:
        existing = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [DATASET_NAME],
            ).fetchall()
        }
        for raw, columns in retyped.items():
            table_name = pipeline.default_schema.naming.normalize_table_identifier(raw)
            if table_name not in existing:
                continue
            table = client.prepare_load_table(table_name)
            for column in columns:
                name = pipeline.default_schema.naming.normalize_identifier(column)
                kind = client.type_mapper.to_destination_type(  # type: ignore[attr-defined]
                    table["columns"][name], table
                )
                quoted = f'"{name}"'
                statements.append(
                    f'alter table {DATASET_NAME}."{table_name}" alter column {quoted} '
                    f"set data type {kind} using try_cast({quoted} as {kind})"
                )
            statements.append(f'drop table if exists {DATASET_NAME}_staging."{table_name}"')
    with connection.cursor() as cursor:
        cursor.execute("begin transaction")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("commit")


def record_load_report(raw_path: Path, summary: AnalyticsLoadSummary) -> None:
    """Append this run to ``procore_analytics.pcw_load_report`` in the raw file.

    One ``summary`` row per run (tables, rows, requests), one row per table that changed
    (``replaced`` or ``merged``) and one per column added, removed or retyped.
    """
    run, finished_at = summary.run, datetime.now(UTC)
    stats = run.stats
    changed = [table for table in run.tables if table.how != "unchanged"]
    rows: list[tuple[Any, ...]] = [
        (
            finished_at,
            "summary",
            None,
            None,
            None,
            None,
            None,
            None,
            sum(summary.rows_loaded.values()),
            stats.requests,
            f"{len(run.tables)} tables checked, {len(changed)} changed; "
            f"{stats.retries} retries, {stats.url_renewals} file URL renewals",
        )
    ]
    rows += [
        (
            finished_at,
            table.how,
            table.table,
            table.raw_table,
            None,
            None,
            None,
            table.version,
            table.rows,
            None,
            table.reason or None,
        )
        for table in changed
    ]
    rows += [
        (
            finished_at,
            f"column {change.change}",
            change.table,
            change.raw_table,
            change.column,
            change.old_type,
            change.new_type,
            None,
            None,
            None,
            change.describe(),
        )
        for change in run.column_changes
    ]
    with duckdb.connect(str(raw_path)) as connection:
        connection.execute(f"create schema if not exists {DATASET_NAME}")
        connection.execute(
            f"""
            create table if not exists {DATASET_NAME}.{REPORT_TABLE} (
                finished_at timestamptz, kind varchar, shared_table varchar,
                raw_table varchar, column_name varchar, old_type varchar, new_type varchar,
                delta_version bigint, rows_loaded bigint, requests bigint, message varchar
            )
            """
        )
        connection.executemany(
            f"insert into {DATASET_NAME}.{REPORT_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
