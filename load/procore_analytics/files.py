"""Reading a table's data files as Arrow record batches, one batch at a time.

Each file is downloaded from its presigned URL to a temporary file, in chunks, and read back
with ``pyarrow.parquet.ParquetFile.iter_batches``: memory holds one batch, never a whole file
or table. Batches are conformed to the table's Arrow schema (from its Delta schema): missing
columns (partition columns, columns added after the file was written) are filled, the rest
cast to their Delta type.

A table that is read whole has its files read on a few threads (``in_order``), their rows
written back to one Parquet file of raw rows (``RowsFile``) that dlt imports as it is.

A URL that expired (403), or is about to, is renewed by querying the table again at the
same version and looking the file up by its id.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import FileURLExpired, ProcoreAnalyticsError
from .protocol import DataFile, SharingClient, TableFiles, TableRef
from .settings import (
    BATCH_ROWS,
    CHANGE_TYPE_COLUMN,
    MAX_URL_RENEWALS,
    PART_FILE_OPTIONS,
    URL_RENEWAL_MARGIN_SECONDS,
)

Item = TypeVar("Item")
Result = TypeVar("Result")

# The change type of every row of an `add` or `remove` line of a change answer (rows of a
# `cdf` file carry their own).
_CHANGE_TYPE_OF_KIND = {"add": "insert", "remove": "delete"}


def _partition_scalar(text: str | None, kind: pa.DataType, column: str) -> pa.Scalar:
    """A partition value (Delta writes them as strings) as a scalar of the column's type."""
    if text is None:
        return pa.scalar(None, kind)
    try:
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return pa.scalar(text, kind)
        if pa.types.is_timestamp(kind):
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:  # Delta writes partition timestamps in UTC
                moment = moment.replace(tzinfo=UTC)
            return pa.scalar(moment, kind)
        if pa.types.is_date(kind):
            return pa.scalar(date.fromisoformat(text.strip()), kind)
        return pa.array([text]).cast(kind)[0]
    except (ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise ProcoreAnalyticsError(
            f"Partition value {text!r} of column {column} is not a {kind}."
        ) from None


def conform(
    batch: pa.RecordBatch,
    schema: pa.Schema,
    partition_values: dict[str, str | None],
    table: str,
) -> pa.RecordBatch:
    """One batch of a file with exactly ``schema``'s columns and types.

    Columns are matched by name, case-insensitively (Delta names are); a column the file
    lacks comes from the file's partition values, or is null (a column added to the table
    after the file was written).
    """
    in_file = {name.lower(): index for index, name in enumerate(batch.schema.names)}
    partitions = {name.lower(): value for name, value in partition_values.items()}
    arrays = []
    for target in schema:
        index = in_file.get(target.name.lower())
        if index is not None:
            column = batch.column(index)
            if column.type != target.type:
                try:
                    column = column.cast(target.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                    reason = str(error).splitlines()[0]
                    raise ProcoreAnalyticsError(
                        f"Column {target.name} of {table} holds {column.type} values that are "
                        f"not its Delta type {target.type} ({reason})."
                    ) from None
        elif target.name.lower() in partitions:
            value = _partition_scalar(partitions[target.name.lower()], target.type, target.name)
            column = pa.repeat(value, batch.num_rows)
        else:
            column = pa.nulls(batch.num_rows, target.type)
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class FileReader:
    """Reads the files of one query or change answer, renewing expired URLs.

    Args:
        client: The sharing client that downloads.
        table: The table the files belong to.
        answer: The query or change answer the files come from.
        requery: Asks the server again for the same answer (same version or range), for
            fresh URLs.
        workdir: Where downloads are written, one file at a time.
        clock: Epoch seconds now (``time.time``).
    """

    def __init__(
        self,
        client: SharingClient,
        table: TableRef,
        answer: TableFiles,
        requery: Callable[[], TableFiles],
        workdir: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.table = table
        self._requery = requery
        self._workdir = workdir
        self._clock = clock
        self._current = {(file.kind, file.id): file for file in answer.files}
        self._names = itertools.count()
        # Files may be read on several threads (`in_order`); renewals take turns.
        self._renewing = threading.Lock()

    def _renew(self, file: DataFile) -> DataFile:
        """The same file with a fresh URL, from a new answer to the same question."""
        with self._renewing:
            self.client.count(renewal=True)
            answer = self._requery()
            self._current = {(fresh.kind, fresh.id): fresh for fresh in answer.files}
        fresh = self._current.get((file.kind, file.id))
        if fresh is None:
            raise ProcoreAnalyticsError(
                f"A data file of {self.table.qualified} is gone from the share since the load "
                "began (the table was vacuumed or rewritten): run the load again."
            )
        return fresh

    def _download(self, file: DataFile) -> Path:
        target = self._workdir / f"{next(self._names)}.parquet"
        current = self._current.get((file.kind, file.id), file)
        if (
            current.expires_at is not None
            and current.expires_at / 1000 - self._clock() < URL_RENEWAL_MARGIN_SECONDS
        ):
            # About to expire: renew it once now rather than download into a 403.
            current = self._renew(current)
        for renewals in range(MAX_URL_RENEWALS + 1):
            try:
                self.client.download(current, target, self.table)
                return target
            except FileURLExpired as error:
                if renewals == MAX_URL_RENEWALS:
                    raise ProcoreAnalyticsError(
                        f"{error} It was still refused after {MAX_URL_RENEWALS} fresh URLs: the "
                        "sharing server hands out URLs that are already expired; check the "
                        "clock of this machine."
                    ) from None
                current = self._renew(current)
        raise AssertionError("unreachable")  # the loop returns or raises

    def batches(self, file: DataFile, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        """The rows of one file as record batches with ``schema``.

        For a change answer (``add``/``remove``/``cdf`` files) each batch also holds the
        change type column.
        """
        path = self._download(file)
        try:
            reader = pq.ParquetFile(path)
            changes = file.kind in ("add", "remove", "cdf")
            for batch in reader.iter_batches(batch_size=BATCH_ROWS):
                rows = conform(batch, schema, file.partition_values, self.table.qualified)
                if changes:
                    rows = _with_change_type(rows, batch, file)
                yield rows
            reader.close()
        finally:
            path.unlink(missing_ok=True)

    def write(
        self,
        file: DataFile,
        schema: pa.Schema,
        finish: Callable[[pa.RecordBatch], pa.RecordBatch],
        out: RowsFile,
    ) -> int:
        """Append the rows of one file to ``out``; how many there were.

        Each batch is conformed to ``schema`` (see ``batches``), then passed through
        ``finish``.
        """
        rows = 0
        for batch in self.batches(file, schema):
            batch = finish(batch)
            out.write(batch)
            rows += batch.num_rows
        return rows


class RowsFile:
    """A Parquet file that record batches are appended to, from any thread.

    Each batch is written as it comes (a row group), so memory holds no more than the
    batches being handed over. The file is only created with the first batch, and finished
    when the ``with`` block ends (or by ``close``).

    Args:
        path: Where the file goes.
        schema: The schema of every batch.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._closed = False
        self._lock = threading.Lock()

    def __enter__(self) -> RowsFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def write(self, batch: pa.RecordBatch) -> None:
        """Append one batch."""
        with self._lock:
            if self._closed:
                raise ProcoreAnalyticsError(f"{self.path} was written to after it was closed.")
            if self._writer is None:
                self._writer = pq.ParquetWriter(self.path, self.schema, **PART_FILE_OPTIONS)
            self._writer.write_batch(batch)
            self.rows += batch.num_rows

    def close(self) -> None:
        """Finish the file (write its footer)."""
        with self._lock:
            self._closed = True
            if self._writer is not None:
                self._writer.close()
                self._writer = None


def in_order(
    work: Callable[[Item], Result], items: Iterable[Item], workers: int
) -> Iterator[Result]:
    """``work`` of each item, done on up to ``workers`` threads, in the order of ``items``.

    At most ``workers`` items are worked on or waiting to be taken, so memory holds what
    that many calls of ``work`` hold at once. The first error is raised when its item's turn
    comes; items not yet started are then dropped.
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pcw-analytics") as pool:
        pending: deque[Future[Result]] = deque()
        try:
            for item in items:
                if len(pending) == workers:
                    yield pending.popleft().result()
                pending.append(pool.submit(work, item))
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _with_change_type(rows: pa.RecordBatch, raw: pa.RecordBatch, file: DataFile) -> Any:
    """``rows`` plus the change type of each: from a ``cdf`` file, or of its line's kind."""
    if file.kind == "cdf":
        index = raw.schema.get_field_index(CHANGE_TYPE_COLUMN)
        if index < 0:
            raise ProcoreAnalyticsError(
                f"A change data file has no {CHANGE_TYPE_COLUMN} column; it is not a Delta "
                "change data feed file."
            )
        change = raw.column(index).cast(pa.string())
    else:
        change = pa.repeat(pa.scalar(_CHANGE_TYPE_OF_KIND[file.kind]), rows.num_rows)
    return rows.append_column(CHANGE_TYPE_COLUMN, change)
