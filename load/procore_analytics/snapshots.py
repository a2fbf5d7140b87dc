"""Replacing a raw table with the latest snapshot of its shared table, read whole.

Inside a pipeline the snapshot goes to dlt as files (``snapshot_files`` for data files kept as
downloaded, one Parquet file of rewritten rows for the others); outside one, as Arrow tables.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, wait
from functools import partial
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.destination import TLoaderFileFormat
from dlt.common.libs.pyarrow import get_normalized_arrow_fields_mapping

from .files import FileReader, RowsFile, ready_to_convert
from .protocol import TableFiles
from .run import (
    AnalyticsRun,
    TableRun,
    TableSync,
    awaited,
    columns_and_drift,
    no_rows,
    report_drift,
)
from .schema import arrow_schema, merge_key
from .settings import VERSION_COLUMN
from .snapshot_files import (
    MANIFEST_FORMAT,
    SNAPSHOT_FILES_DIR,
    KeptFile,
    SnapshotFiles,
    write_manifest,
)


def replace(table: TableRun, reason: str, previous: int | None) -> Iterator[Any]:
    """Read the latest snapshot whole; it replaces the raw table when the load commits."""
    ref = table.ref
    answer = yield from awaited(table.run, table.client.query, ref)
    columns, found = columns_and_drift(table, answer)
    report_drift(table, columns, found)
    schema = arrow_schema(columns).append(pa.field(VERSION_COLUMN, pa.int64()))
    hints = {"write_disposition": {"disposition": "replace"}}
    synced = TableSync(ref.qualified, table.raw, "replaced", answer.version, previous, 0, reason)
    table.run.read(table.raw, 0, len(answer.files), 0)
    raw_schema = _raw_schema(schema)
    if raw_schema is None:
        yield from _snapshot_rows(table, answer, schema, hints, synced)
    else:
        yield from _snapshot_files(table, answer, schema, raw_schema, hints, synced)
    if not table.marked:
        # An empty table still replaces its raw table, with every column typed.
        yield table.mark(no_rows(schema), hints)
    key = merge_key(ref.qualified, ref.name, columns, table.overrides)
    table.state.update(
        table=ref.qualified,
        version=answer.version,
        metadata_id=answer.metadata.id,
        columns={column.name: column.type_text for column in columns},
        change_data_feed=answer.metadata.change_data_feed,
        key=list(key) if key else None,
    )
    table.run.tables.append(synced)


def _file_reader(table: TableRun, answer: TableFiles, workdir: Path) -> FileReader:
    """A reader of the files of a query answer, renewing their URLs at the same version."""
    client, ref = table.client, table.ref
    return FileReader(client, ref, answer, lambda: client.query(ref, answer.version), workdir)


def _snapshot_rows(
    table: TableRun, answer: TableFiles, schema: pa.Schema, hints: dict[str, Any], synced: TableSync
) -> Iterator[Any]:
    """A snapshot's rows as Arrow tables, file after file (outside a pipeline's extract)."""
    file_schema = schema.remove(schema.get_field_index(VERSION_COLUMN))
    with tempfile.TemporaryDirectory(prefix="pcw-analytics-") as workdir:
        reader = _file_reader(table, answer, Path(workdir))
        for done, file in enumerate(answer.files, start=1):
            for batch in reader.batches(file, file_schema):
                synced.rows += batch.num_rows
                yield table.mark(_with_version(batch, answer.version), hints)
            table.run.read(table.raw, done, len(answer.files), synced.rows)


def _snapshot_files(
    table: TableRun,
    answer: TableFiles,
    schema: pa.Schema,
    raw_schema: pa.Schema,
    hints: dict[str, Any],
    synced: TableSync,
) -> Iterator[Any]:
    """A snapshot as files dlt imports: its data files as downloaded, the rest rewritten.

    Files whose columns are the raw table's are kept as downloaded and named by one
    manifest (``snapshot_files``); the rows of any other are conformed and written to one
    Parquet file of raw rows. Either way one load job, one insert in DuckDB.

    The files are read on the run's file threads. While they are, this yields None, so
    that dlt goes on to the next table, whose files join the same threads: a table of one
    small file does not leave the threads idle.
    """
    file_schema = schema.remove(schema.get_field_index(VERSION_COLUMN))
    workdir = _table_workdir(table.run)
    keep_in = workdir if raw_schema.names[:-1] == file_schema.names else None
    reader = _file_reader(table, answer, workdir)
    out = RowsFile(workdir / f"{table.raw}.parquet", raw_schema)
    finish = partial(_raw_batch, version=answer.version, schema=raw_schema)
    pool = table.run.files()
    fetching = [pool.submit(reader.fetch, file, file_schema, keep_in) for file in answer.files]
    rewriting: list[Future[int]] = []
    kept: list[KeptFile] = []
    done = 0
    try:
        for file, fetched in zip(answer.files, fetching, strict=True):
            while not fetched.done():
                yield None
            found = fetched.result()
            if isinstance(found, KeptFile):
                kept.append(found)
                synced.rows += found.rows
                done += 1
                table.run.read(table.raw, done, len(answer.files), synced.rows)
            else:
                ready_to_convert()
                rewriting.append(pool.submit(reader.rewrite, found, file, file_schema, finish, out))
        for rewritten in rewriting:
            while not rewritten.done():
                yield None
            synced.rows += rewritten.result()
            done += 1
            table.run.read(table.raw, done, len(answer.files), synced.rows)
    finally:
        work: list[Future[Any]] = [*fetching, *rewriting]
        for future in work:
            future.cancel()
        # Closed once no thread writes to it any more.
        wait(work)
        out.close()
    if kept or not out.rows:
        # An empty table is a manifest of no files: it still replaces its raw table, with
        # every column typed.
        snapshot = SnapshotFiles(kept, answer.version, raw_schema.names[-1])
        manifest = write_manifest(workdir / f"{table.raw}.{MANIFEST_FORMAT}", snapshot)
        rows = sum(kept_file.rows for kept_file in kept)
        yield _imported(table, manifest, MANIFEST_FORMAT, rows, schema, hints)
    if out.rows:
        yield _imported(table, out.path, "parquet", out.rows, schema, hints)


def _with_version(batch: pa.RecordBatch, version: int) -> pa.Table:
    versions = pa.repeat(pa.scalar(version, pa.int64()), batch.num_rows)
    return pa.Table.from_batches([batch.append_column(VERSION_COLUMN, versions)])


def _raw_schema(schema: pa.Schema) -> pa.Schema | None:
    """``schema`` with the column names dlt gives them: how imported files must name them.

    None where rows go to dlt as Arrow tables instead: outside a pipeline's extract step,
    and for a table with a column of no type (Delta ``void``), which dlt leaves out of Arrow
    tables in its own way.
    """
    if any(pa.types.is_null(field.type) for field in schema):
        return None
    try:
        naming = dlt.current.source_schema().naming
    except Exception:  # not extracting inside a pipeline
        return None
    names = get_normalized_arrow_fields_mapping(schema, naming)
    return pa.schema([field.with_name(names[field.name]) for field in schema])


def _table_workdir(run: AnalyticsRun) -> Path:
    """A new directory for one table's files, kept until the load that imports them.

    Under the pipeline's working directory (``SNAPSHOT_FILES_DIR``): a load that fails
    stays pending, and the next run loads it from these files.
    """
    if run.kept_files_root is None:
        # Asked once: dlt resolves its configuration to answer.
        run.kept_files_root = Path(dlt.current.pipeline().working_dir) / SNAPSHOT_FILES_DIR
    workdir = run.kept_files_root / uuid.uuid4().hex
    workdir.mkdir(parents=True)
    return workdir


def _raw_batch(batch: pa.RecordBatch, version: int, schema: pa.Schema) -> pa.RecordBatch:
    """A conformed batch as raw rows: with its table version, under ``schema``'s names."""
    versions = pa.repeat(pa.scalar(version, pa.int64()), batch.num_rows)
    return pa.RecordBatch.from_arrays([*batch.columns, versions], schema=schema)


def _imported(
    table: TableRun,
    part: Path,
    file_format: TLoaderFileFormat,
    rows: int,
    schema: pa.Schema,
    hints: dict[str, Any],
) -> Any:
    """A file (Parquet of raw rows, or a manifest) for dlt to import as it is.

    dlt takes the columns from the empty table of ``schema``, as it would from Arrow rows;
    the first file of a table also carries the table's hints (as ``TableRun.mark`` does).
    """
    item = dlt.mark.with_file_import(str(part), file_format, rows, hints=no_rows(schema))
    if not table.marked:
        table.marked = True
        item.meta.hints = dlt.mark.make_hints(**hints)
    return item
