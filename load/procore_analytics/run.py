"""What one run of the Procore Analytics source shares, and what it reports.

``AnalyticsRun`` is handed to the source by the pipeline and read back after the load: the
calls made, what each table went through (``TableSync``) and the columns Procore added,
removed or retyped (``ColumnChange``). ``TableRun`` is one table's part of a run, shared by
the replace (``snapshots``) and merge (``changes``) paths.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import dlt
import pyarrow as pa

from .protocol import RequestStats, SharingClient, TableFiles, TableRef
from .schema import DeltaColumn, Drift, delta_columns, drift
from .settings import FILE_WORKERS

Result = TypeVar("Result")


@dataclass(frozen=True)
class ColumnChange:
    """A column Procore added, removed or retyped since the table was last loaded."""

    table: str  # schema.table
    raw_table: str
    column: str
    change: str  # added, removed, retyped
    old_type: str | None = None
    new_type: str | None = None

    def describe(self) -> str:
        """The warning line for this change."""
        where = f"column {self.column} of {self.table}"
        if self.change == "added":
            return f"{where} is new ({self.new_type}): added to raw table {self.raw_table}"
        if self.change == "removed":
            return (
                f"{where} is no longer shared: raw column {self.raw_table}.{self.column} is "
                "kept, null in rows loaded from now on"
            )
        return (
            f"{where} changed type from {self.old_type} to {self.new_type}: raw column "
            f"{self.raw_table}.{self.column} now has the new type and the table was reloaded"
        )


@dataclass
class TableSync:
    """What one run did to one table (``rows`` counts up as its files are read)."""

    table: str  # schema.table
    raw_table: str
    how: str  # unchanged, replaced, merged
    version: int
    previous_version: int | None = None
    rows: int = 0
    reason: str = ""


@dataclass
class AnalyticsRun:
    """What the resources of one run share and report.

    Attributes:
        stats: Calls made to the sharing server.
        tables: Per table, what the run did to it.
        column_changes: Columns added, removed or retyped since the last load.
        retyped: Per raw table, the columns whose type changed and their new Arrow type: the
            pipeline changes the raw columns' types before loading (dlt does not).
        warnings: Lines for the person running the load.
        client: The sharing client the source made.
        raw_tables: The tables the source loads, each with its raw table.
        existing_raw_tables: The tables of the raw dataset when the run began (read once).
        kept_files_root: Where data files kept as downloaded wait for their load.
        progress: Told ``(raw table, files read, files to read, rows read)`` as each data
            file of a changed table is read (a display; ``pcw load analytics`` draws bars).
    """

    stats: RequestStats = field(default_factory=RequestStats)
    client: SharingClient | None = None
    raw_tables: dict[TableRef, str] = field(default_factory=dict)
    existing_raw_tables: set[str] | None = None
    tables: list[TableSync] = field(default_factory=list)
    column_changes: list[ColumnChange] = field(default_factory=list)
    retyped: dict[str, dict[str, pa.DataType]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    progress: Callable[[str, int, int, int], None] | None = None
    kept_files_root: Path | None = None
    _file_threads: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def read(self, raw: str, files: int, planned: int, rows: int) -> None:
        """Tell the progress display how far one table's files have been read."""
        if self.progress is not None:
            self.progress(raw, files, planned, rows)

    def files(self) -> ThreadPoolExecutor:
        """The threads every table's data files are read on, ``FILE_WORKERS`` of them.

        One pool for the run: however many tables are being read at once, memory holds no
        more than a batch per thread.
        """
        if self._file_threads is None:
            self._file_threads = ThreadPoolExecutor(
                FILE_WORKERS, thread_name_prefix="pcw-analytics"
            )
        return self._file_threads

    def close(self) -> None:
        """Stop the file threads and close the sharing client."""
        if self._file_threads is not None:
            self._file_threads.shutdown(cancel_futures=True)
            self._file_threads = None
        if self.client is not None:
            self.client.close()


@dataclass
class TableRun:
    """One table's run: where it goes, what is known of it, and its reader's scratch space."""

    ref: TableRef
    raw: str
    client: SharingClient
    run: AnalyticsRun
    overrides: dict[str, Sequence[str]]
    state: dict[str, Any]
    marked: bool = False
    # Why a merge fell back to a replace (not kept in the dlt state).
    fallback: str = ""

    def mark(self, table: pa.Table, hints: dict[str, Any]) -> Any:
        """The first item carries the table's hints; dlt keeps them for the rest."""
        if self.marked:
            return table
        self.marked = True
        return dlt.mark.with_hints(table, dlt.mark.make_hints(**hints))


def columns_and_drift(table: TableRun, answer: TableFiles) -> tuple[list[DeltaColumn], Drift]:
    """The columns of an answer's Delta schema, and how they drifted since the last load."""
    columns = delta_columns(answer.metadata.schema_string, table.ref.qualified)
    loaded = table.state.get("columns")
    found = (
        drift(loaded, columns)
        if loaded and table.state.get("table") == table.ref.qualified
        else Drift()
    )
    return columns, found


def report_drift(table: TableRun, columns: list[DeltaColumn], found: Drift) -> None:
    """Record and announce every column change; note retyped columns for the pipeline."""
    types = {column.name: column for column in columns}
    changes = [
        *(
            ColumnChange(
                table.ref.qualified, table.raw, name, "added", new_type=types[name].type_text
            )
            for name in found.added
        ),
        *(
            ColumnChange(
                table.ref.qualified,
                table.raw,
                name,
                "removed",
                old_type=table.state["columns"][name],
            )
            for name in found.removed
        ),
        *(
            ColumnChange(table.ref.qualified, table.raw, name, "retyped", old, new)
            for name, old, new in found.retyped
        ),
    ]
    for change in changes:
        table.run.column_changes.append(change)
        table.run.warnings.append(change.describe())
    if found.retyped:
        table.run.retyped[table.raw] = {
            name: types[name].arrow_type for name, _, _ in found.retyped
        }


def awaited(
    run: AnalyticsRun, call: Callable[..., Result], *args: Any
) -> Generator[None, None, Result]:
    """``call(*args)`` made on the run's file threads; None is yielded until it returns.

    Yielding None lets dlt go on to the next table's resource meanwhile, so the calls and
    downloads of several tables overlap.
    """
    future = run.files().submit(call, *args)
    try:
        while not future.done():
            yield None
    finally:
        future.cancel()
    return future.result()


def no_rows(schema: pa.Schema) -> pa.Table:
    """An empty table of ``schema`` (``Schema.empty_table`` would make Arrow import pandas)."""
    return pa.Table.from_batches([], schema=schema)
