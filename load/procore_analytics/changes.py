"""Merging a raw table with its shared table's change data feed.

Inserts and update post-images are upserted on the table's merge key, deletes remove the
key's row (dlt's ``hard_delete``), update pre-images are dropped; across commits dlt keeps
the row of the highest ``_delta_version``.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc

from .errors import SharingServerError
from .files import FileReader
from .protocol import DataFile
from .run import TableRun, TableSync, columns_and_drift
from .schema import arrow_schema, merge_key
from .settings import (
    CHANGE_TYPE_COLUMN,
    DELETE_CHANGES,
    DELETED_COLUMN,
    SETTINGS_SECTION,
    UPSERT_CHANGES,
    VERSION_COLUMN,
)

MERGE = {"disposition": "merge", "strategy": "delete-insert"}


def merge(table: TableRun, known: int, version: int) -> Generator[Any, None, bool]:
    """Merge the changes after version ``known`` up to ``version``; False if it cannot be.

    A merge needs the change data feed for the whole range, an unchanged schema (drift is
    handled by a full replace) and a key that still identifies the raw rows; otherwise the
    table is replaced, and ``table.fallback`` says why.
    """
    ref, client, state = table.ref, table.client, table.state
    try:
        answer = client.changes(ref, known + 1, version)
    except SharingServerError as error:
        if error.status != 400:
            raise
        table.fallback = "change data feed unavailable for the range"
        return False
    columns, found = columns_and_drift(table, answer)
    key = merge_key(ref.qualified, ref.name, columns, table.overrides)
    if found or answer.metadata.id != state.get("metadata_id"):
        table.fallback = "schema changed" if found else "table recreated"
        return False
    if not key or list(key) != state.get("key"):
        table.fallback = "merge key changed"
        return False
    if not _key_is_unique(table.raw, key):
        table.fallback = f"merge key {', '.join(key)} does not identify the raw rows"
        table.run.warnings.append(
            f"{ref.qualified}: {table.fallback}; the table was replaced instead of merged "
            f"(set {SETTINGS_SECTION}.merge_keys for it)"
        )
        return False
    schema = arrow_schema(columns)
    hints = {
        "write_disposition": MERGE,
        "primary_key": list(key),
        "columns": {
            VERSION_COLUMN: {"data_type": "bigint", "dedup_sort": "desc"},
            DELETED_COLUMN: {"data_type": "bool", "hard_delete": True},
        },
    }
    by_version: dict[int, list[DataFile]] = defaultdict(list)
    for file in answer.files:
        by_version[file.version if file.version is not None else version].append(file)
    rows = 0
    table.run.read(table.raw, 0, len(answer.files), 0)
    with tempfile.TemporaryDirectory(prefix="pcw-analytics-") as workdir:
        reader = FileReader(
            client, ref, answer, lambda: client.changes(ref, known + 1, version), Path(workdir)
        )
        done = 0
        for commit in sorted(by_version):
            for item in _commit_changes(reader, by_version[commit], schema, key, commit):
                rows += item.num_rows
                yield table.mark(item, hints)
            done += len(by_version[commit])
            table.run.read(table.raw, done, len(answer.files), rows)
    state.update(version=version)
    table.run.tables.append(
        TableSync(ref.qualified, table.raw, "merged", version, known, rows, "change data feed")
    )
    return True


def _commit_changes(
    reader: FileReader,
    files: list[DataFile],
    schema: pa.Schema,
    key: Sequence[str],
    commit: int,
) -> Iterator[pa.Table]:
    """The rows one commit inserted or updated, then the keys it deleted.

    Pre-images of updates are dropped. A key deleted and written again in the same commit
    (a rewritten file: its rows are removed and added) is not deleted: the write wins.
    Across commits dlt keeps the row of the highest ``_delta_version`` per key.
    """
    written: list[pa.Table] = []
    deleted: list[pa.Table] = []
    for file in files:
        for batch in reader.batches(file, schema):
            changes = batch.column(CHANGE_TYPE_COLUMN)
            rows = pa.Table.from_batches([batch]).drop_columns([CHANGE_TYPE_COLUMN])
            upserts = rows.filter(pc.is_in(changes, pa.array(UPSERT_CHANGES)))
            if upserts.num_rows:
                written.append(upserts.select(list(key)))
                yield _flagged(upserts, commit, deleted=False)
            removals = rows.filter(pc.is_in(changes, pa.array(DELETE_CHANGES)))
            if removals.num_rows:
                deleted.append(removals.select(list(key)))
    if not deleted:
        return
    gone = pa.concat_tables(deleted)
    if written:
        gone = gone.join(pa.concat_tables(written), keys=list(key), join_type="left anti")
    if gone.num_rows:
        nulls = {
            column.name: pa.nulls(gone.num_rows, column.type)
            for column in schema
            if column.name not in key
        }
        full = pa.table(
            [gone.column(name) if name in key else nulls[name] for name in schema.names],
            schema=schema,
        )
        yield _flagged(full, commit, deleted=True)


def _flagged(rows: pa.Table, commit: int, deleted: bool) -> pa.Table:
    """Change rows with their commit version, and true on those that delete their key.

    Written rows leave the flag null, as replaced rows do (they lack the column), so the raw
    column is null throughout.
    """
    rows = rows.append_column(
        pa.field(VERSION_COLUMN, pa.int64()),
        pa.repeat(pa.scalar(commit, pa.int64()), rows.num_rows),
    )
    return rows.append_column(
        pa.field(DELETED_COLUMN, pa.bool_()),
        pa.repeat(pa.scalar(True if deleted else None, pa.bool_()), rows.num_rows),
    )


def _key_is_unique(raw: str, key: Sequence[str]) -> bool:
    """Whether ``key`` identifies the raw table's rows: never null, never repeated."""
    try:
        pipeline = dlt.current.pipeline()
        naming = dlt.current.source_schema().naming
    except Exception:  # outside a pipeline nothing can be checked: do not merge
        return False
    columns = [naming.normalize_identifier(name) for name in key]
    with pipeline.sql_client() as client:
        qualified = client.make_qualified_table_name(naming.normalize_table_identifier(raw))
        escaped = [client.escape_column_name(column) for column in columns]
        nulls = " or ".join(f"{column} is null" for column in escaped)
        rows = client.execute_sql(
            f"select (select count(*) from {qualified} where {nulls}), "
            f"(select count(*) from (select 1 from {qualified} group by {', '.join(escaped)} "
            "having count(*) > 1))"
        )
    if not rows:
        return False
    nulls_found, repeated = rows[0]
    return bool(nulls_found == 0 and repeated == 0)
