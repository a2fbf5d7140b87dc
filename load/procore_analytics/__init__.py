"""The Procore Analytics source: every table of a Delta Share into a raw dlt dataset.

Procore Analytics (its "Cloud Connector") shares a company's data as a Delta Share. This
source discovers the share's schemas and tables through the Delta Sharing protocol (nothing
is hard-coded), and loads each table into a raw table of the same name: ``<table>``, or
``<schema>__<table>`` for a name that more than one schema uses.

Each run, per table (docs/procore-analytics-loader.md has the full story):

- the table's version is asked for (one call); a table whose version did not move since the
  last run costs nothing more;
- a table that moved, shares its change data feed and has a merge key (``schema.merge_key``)
  is merged from its changes since the version last loaded;
- any other table that moved is read whole and replaces its raw table in one transaction.

Configuration follows dlt: ``[sources.procore_analytics]`` in ``.dlt/config.toml`` and
``.dlt/secrets.toml``, or ``SOURCES__PROCORE_ANALYTICS__<KEY>`` environment variables.
"""

from __future__ import annotations

import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.libs.pyarrow import get_normalized_arrow_fields_mapping
from dlt.common.typing import TSecretStrValue
from dlt.sources import DltResource

from .errors import (
    EndpointUnreachable,
    FileURLExpired,
    ProcoreAnalyticsError,
    ProfileError,
    SharingServerError,
    TokenError,
)
from .files import FileReader, RowsFile, ready_to_convert
from .profile import ShareProfile, profile_from_settings, read_profile
from .protocol import DataFile, RequestStats, SharingClient, TableFiles, TableRef
from .schema import DeltaColumn, Drift, arrow_schema, delta_columns, drift, merge_key
from .settings import (
    CHANGE_TYPE_COLUMN,
    DELETE_CHANGES,
    DELETED_COLUMN,
    FILE_WORKERS,
    SETTINGS_SECTION,
    UPSERT_CHANGES,
    VERSION_COLUMN,
)
from .snapshot_files import (
    MANIFEST_FORMAT,
    SNAPSHOT_FILES_DIR,
    KeptFile,
    SnapshotFiles,
    write_manifest,
)

__all__ = [
    "AnalyticsRun",
    "ColumnChange",
    "EndpointUnreachable",
    "FileURLExpired",
    "ProcoreAnalyticsError",
    "ProfileError",
    "RequestStats",
    "ShareProfile",
    "SharingClient",
    "SharingServerError",
    "TableRef",
    "TableSync",
    "TokenError",
    "connect",
    "discover_tables",
    "procore_analytics_source",
    "raw_table_names",
    "resolve_profile",
    "select_tables",
]

MERGE = {"disposition": "merge", "strategy": "delete-insert"}

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


def resolve_profile(
    profile: str | Path | None = None,
    endpoint: str | None = None,
    bearer_token: str | None = None,
    share: str | None = None,
    expiration_time: str | None = None,
) -> ShareProfile:
    """The share credentials: from the profile file if one is given, else the settings.

    Raises:
        ProfileError: for a missing or malformed profile file or setting.
        TokenError: if the credentials say the token has expired (no request is sent).
    """
    if profile:
        credentials = read_profile(Path(profile).expanduser(), share)
    else:
        credentials = profile_from_settings(endpoint, bearer_token, share, expiration_time)
    credentials.check_not_expired()
    return credentials


def connect(credentials: ShareProfile, stats: RequestStats | None = None) -> SharingClient:
    """A sharing client for ``credentials``."""
    return SharingClient(credentials, stats)


def select_tables(
    shared: Sequence[TableRef], selected: Sequence[str] | None, share: str
) -> list[TableRef]:
    """The ``selected`` tables of a share (``schema.table``, case-insensitive), or all.

    Raises:
        ProcoreAnalyticsError: naming every selected table the share does not have.
    """
    if not selected:
        return shared
    by_name = {table.qualified.lower(): table for table in shared}
    malformed = [name for name in selected if name.count(".") != 1]
    if malformed:
        raise ProcoreAnalyticsError(
            f"{SETTINGS_SECTION}.tables names {', '.join(malformed)}: name each table as "
            'schema.table, e.g. tables = ["financials.commitments"].'
        )
    unknown = [name for name in selected if name.lower() not in by_name]
    if unknown:
        raise ProcoreAnalyticsError(
            f"{SETTINGS_SECTION}.tables names {', '.join(unknown)}, which share {share} "
            "does not have: run `pcw load analytics --list` to see the tables your token "
            "can read."
        )
    wanted = {name.lower() for name in selected}
    return [table for table in shared if table.qualified.lower() in wanted]


def discover_tables(client: SharingClient, selected: Sequence[str] | None = None) -> list[TableRef]:
    """The share's tables, or the ``selected`` ones (see ``select_tables``)."""
    return select_tables(client.list_tables(), selected, client.share)


def raw_table_names(tables: Sequence[TableRef]) -> dict[TableRef, str]:
    """The raw table of each shared table, unique across schemas.

    A table is loaded into a raw table of its own name, which stays put when Procore moves
    a table to another schema; a name that more than one schema uses becomes
    ``<schema>__<table>`` for each of them.
    """
    counts = Counter(table.name.lower() for table in tables)
    return {
        table: (
            table.name.lower()
            if counts[table.name.lower()] == 1
            else f"{table.schema.lower()}__{table.name.lower()}"
        )
        for table in tables
    }


@dlt.source(name="procore_analytics")
def procore_analytics_source(
    profile: str | None = None,
    endpoint: str | None = None,
    bearer_token: TSecretStrValue | None = None,
    share: str | None = None,
    expiration_time: str | None = None,
    tables: Sequence[str] | None = None,
    merge_keys: Mapping[str, Sequence[str]] | None = None,
    run: AnalyticsRun | None = None,
) -> Sequence[DltResource]:
    """One dlt resource per shared table (all of them, or ``tables``).

    Calling the source checks the credentials and lists the share's tables, so bad
    credentials or an unknown table fail here, before a pipeline touches its destination.

    Args:
        profile: Path of the Delta Sharing profile file (``*.share``) Procore gave you.
        endpoint: The Delta Sharing server URL, when no profile file is used.
        bearer_token: The bearer token, when no profile file is used (a secret).
        share: The share name; may be left out when the token reads one share only.
        expiration_time: When the token expires (ISO 8601), if known without a profile.
        tables: Load only these tables, as ``schema.table``.
        merge_keys: ``schema.table`` -> the columns its change data feed is merged on;
            overrides the ``<entity>_id`` rule (an empty list: always replace the table).
        run: Filled with the calls made, what each table went through, and schema drift.

    Returns:
        The resources, named after their raw tables.
    """
    state = run if run is not None else AnalyticsRun()
    credentials = resolve_profile(profile, endpoint, bearer_token, share, expiration_time)
    client = state.client = connect(credentials, state.stats)
    shared = client.list_tables()
    chosen = select_tables(shared, tables, client.share)
    # Named among all the share's tables, so that choosing tables never renames one.
    every_name = raw_table_names(shared)
    names = state.raw_tables = {table: every_name[table] for table in chosen}
    return [
        dlt.resource(
            _sync_table(table, names[table], client, state, dict(merge_keys or {})),
            name=names[table],
            # Items carry their disposition (`_Table.mark`): a resource that yields nothing
            # must leave its table alone, and an unmarked "replace" would empty it.
            write_disposition="append",
        )
        for table in chosen
    ]


# -- one table -------------------------------------------------------------------------------


@dataclass
class _Table:
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


def _sync_table(
    ref: TableRef,
    raw: str,
    client: SharingClient,
    run: AnalyticsRun,
    overrides: dict[str, Sequence[str]],
) -> Any:
    """The generator of one table's resource (a function, so each table gets its own)."""

    def sync() -> Iterator[pa.Table]:
        table = _Table(ref, raw, client, run, overrides, dlt.current.resource_state())
        yield from _sync(table)

    sync.__name__ = raw
    return sync


def _sync(table: _Table) -> Iterator[pa.Table]:
    """Bring one raw table up to its shared table's latest version."""
    state = table.state
    # Asked on the file threads: dlt goes on to other tables while the answer comes.
    version = yield from _answer(table.run, table.client.table_version, table.ref)
    known = state.get("version")
    first_load = known is None or state.get("table") != table.ref.qualified
    # Nothing loaded yet: no need to look for the raw table.
    present = not first_load and _raw_table_exists(table.run, table.raw)
    if present and known == version:
        table.run.tables.append(
            TableSync(table.ref.qualified, table.raw, "unchanged", version, known)
        )
        return
    reason = ""
    if first_load:
        reason = "first load"
    elif not present:
        reason = "raw table missing"
    elif version < known:
        reason = f"version went back from {known} (the table was recreated)"
    elif not state.get("key"):
        reason = "no merge key"
    elif not state.get("change_data_feed"):
        reason = "no change data feed"
    else:
        merged = yield from _merge(table, known, version)
        if merged:
            return
        reason = table.fallback
    yield from _replace(table, reason, known)


def _raw_table_exists(run: AnalyticsRun, raw: str) -> bool:
    """Whether the running pipeline's dataset holds the raw table (True outside one).

    The dlt state says which version a raw table holds; this check keeps a raw table that
    was dropped (or a raw file that was replaced) from being skipped as "unchanged". The
    dataset's tables are listed once per run.
    """
    if run.existing_raw_tables is None:
        try:
            pipeline = dlt.current.pipeline()
        except Exception:  # not extracting inside a pipeline: trust the state
            return True
        with pipeline.sql_client() as client:
            rows = client.execute_sql(
                "select table_name from information_schema.tables where table_schema = %s",
                client.dataset_name,
            )
        run.existing_raw_tables = {name for (name,) in rows or ()}
    try:
        naming = dlt.current.source_schema().naming
    except Exception:
        return True
    return naming.normalize_table_identifier(raw) in run.existing_raw_tables


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
    return bool(rows) and rows[0][0] == 0 and rows[0][1] == 0


# -- replacing -------------------------------------------------------------------------------


def _columns_and_drift(table: _Table, answer: TableFiles) -> tuple[list[DeltaColumn], Drift]:
    columns = delta_columns(answer.metadata.schema_string, table.ref.qualified)
    loaded = table.state.get("columns")
    found = (
        drift(loaded, columns)
        if loaded and table.state.get("table") == table.ref.qualified
        else Drift()
    )
    return columns, found


def _report_drift(table: _Table, columns: list[DeltaColumn], found: Drift) -> None:
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


def _replace(table: _Table, reason: str, previous: int | None) -> Iterator[Any]:
    """Read the latest snapshot whole; it replaces the raw table when the load commits."""
    ref = table.ref
    answer = yield from _answer(table.run, table.client.query, ref)
    columns, found = _columns_and_drift(table, answer)
    _report_drift(table, columns, found)
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
        yield table.mark(_no_rows(schema), hints)
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


def _file_reader(table: _Table, answer: TableFiles, workdir: Path) -> FileReader:
    """A reader of the files of a query answer, renewing their URLs at the same version."""
    client, ref = table.client, table.ref
    return FileReader(client, ref, answer, lambda: client.query(ref, answer.version), workdir)


def _snapshot_rows(
    table: _Table, answer: TableFiles, schema: pa.Schema, hints: dict, synced: TableSync
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
    table: _Table,
    answer: TableFiles,
    schema: pa.Schema,
    raw_schema: pa.Schema,
    hints: dict,
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
    kept_rows = done = 0
    try:
        for file, fetched in zip(answer.files, fetching, strict=True):
            while not fetched.done():
                yield None
            found = fetched.result()
            if isinstance(found, KeptFile):
                kept.append(found)
                kept_rows += found.rows
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
        work = [*fetching, *rewriting]
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
        yield _imported(table, manifest, MANIFEST_FORMAT, kept_rows, schema, hints)
    if out.rows:
        yield _imported(table, out.path, "parquet", out.rows, schema, hints)


def _answer(
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


def _no_rows(schema: pa.Schema) -> pa.Table:
    """An empty table of ``schema`` (``Schema.empty_table`` would make Arrow import pandas)."""
    return pa.Table.from_batches([], schema=schema)


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
    table: _Table, part: Path, file_format: str, rows: int, schema: pa.Schema, hints: dict
) -> Any:
    """A file (Parquet of raw rows, or a manifest) for dlt to import as it is.

    dlt takes the columns from the empty table of ``schema``, as it would from Arrow rows;
    the first file of a table also carries the table's hints (as ``_Table.mark`` does).
    """
    item = dlt.mark.with_file_import(str(part), file_format, rows, hints=_no_rows(schema))
    if not table.marked:
        table.marked = True
        item.meta.hints = dlt.mark.make_hints(**hints)
    return item


# -- merging the change data feed ----------------------------------------------------------


def _merge(table: _Table, known: int, version: int) -> Iterator[pa.Table]:
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
    columns, found = _columns_and_drift(table, answer)
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
