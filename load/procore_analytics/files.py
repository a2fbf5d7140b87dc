"""Reading a table's data files as Arrow record batches, one batch at a time.

Each file is downloaded from its presigned URL to a temporary file, in chunks, and read back
with ``pyarrow.parquet.ParquetFile.iter_batches``: memory holds one batch, never a whole file
or table. Batches are conformed to the table's Arrow schema (from its Delta schema): missing
columns (partition columns, columns added after the file was written) are filled, the rest
cast to their Delta type.

A table that is read whole has its files downloaded on the run's file threads
(``FileReader.fetch``). A file whose columns already are the raw table's is kept as downloaded
(``snapshot_files``); the rows of any other are conformed and written to one Parquet file of
raw rows (``RowsFile``, ``FileReader.rewrite``) that dlt imports as it is.

A URL that expired (403), or is about to, is renewed by querying the table again at the
same version and looking the file up by its id.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
from .snapshot_files import KeptFile, kept_rows

_INTEGER = re.compile(r"-?[0-9]+")

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
        # Files may be read on several threads; renewals take turns.
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

    def _download(self, file: DataFile, into: Path | None = None) -> Path:
        target = (into or self._workdir) / f"{next(self._names)}.parquet"
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
        yield from self._read(self._download(file), file, schema)

    def _read(self, path: Path, file: DataFile, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        """The rows of the downloaded ``file`` at ``path`` (see ``batches``); then deletes it."""
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

    def fetch(self, file: DataFile, schema: pa.Schema, keep_in: Path | None) -> KeptFile | Path:
        """Download one snapshot file: kept as it is if it can be, else to be rewritten.

        With ``keep_in``, a file that has exactly ``schema``'s columns and types, but for
        partition columns of integer or string type, is downloaded there and kept as it is
        (``snapshot_files``). Any other file's download is returned for ``rewrite``.
        """
        values = _plain_partition_values(file.partition_values, schema)
        keep = keep_in is not None and values is not None
        path = self._download(file, keep_in if keep else None)
        rows = kept_rows(path, schema, set(values)) if keep and values is not None else None
        if rows is not None and values is not None:
            return KeptFile(str(path), values, rows)
        return path

    def rewrite(
        self,
        path: Path,
        file: DataFile,
        schema: pa.Schema,
        finish: Callable[[pa.RecordBatch], pa.RecordBatch],
        out: RowsFile,
    ) -> int:
        """Append the rows of a downloaded file to ``out``; how many there were.

        Each batch is conformed to ``schema`` (see ``batches``), then passed through
        ``finish``. Conforming turns Python values into Arrow ones, for which Arrow imports
        pandas the first time: call ``ready_to_convert`` on the extracting thread first.
        """
        rows = 0
        for batch in self._read(path, file, schema):
            batch = finish(batch)
            out.write(batch)
            rows += batch.num_rows
        return rows


def ready_to_convert() -> None:
    """Have Arrow import what it converts Python values with (pandas, if installed), here.

    Arrow imports pandas the first time it turns a Python value into an Arrow one. Were a
    file thread the first, dlt, checking the items of the extracting thread against
    ``sys.modules``, could find pandas half imported and fail.
    """
    pa.scalar(0, pa.int64())


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


def _plain_partition_values(
    partition_values: dict[str, str | None], schema: pa.Schema
) -> dict[str, int | str | None] | None:
    """A file's partition values as the integers or strings of their columns' types.

    None where a value belongs to no column of ``schema`` by its exact name, to a column of
    another type, or is not a plain integer: such a file is conformed row by row instead.
    Parsed without Arrow, which would import pandas on a file thread (see ``FileReader``).
    """
    plain: dict[str, int | str | None] = {}
    for name, text in partition_values.items():
        index = schema.get_field_index(name)
        if index < 0:
            return None
        kind = schema.field(index).type
        if text is None or pa.types.is_string(kind):
            plain[name] = text
        elif pa.types.is_integer(kind) and _INTEGER.fullmatch(text):
            value = int(text)
            bits = kind.bit_width - (0 if pa.types.is_unsigned_integer(kind) else 1)
            low = 0 if pa.types.is_unsigned_integer(kind) else -(1 << bits)
            if not low <= value < (1 << bits):
                return None
            plain[name] = value
        else:
            return None
    return plain


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
