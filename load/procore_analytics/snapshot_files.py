"""Snapshot data files loaded into DuckDB as they were downloaded, without being rewritten.

A table read whole usually arrives as Parquet files whose columns already are the raw table's,
names and types, but for its partition columns, whose values the answer carries. Such a file
(when its partition columns are integers or strings) is kept as downloaded: the source hands
dlt a *manifest* instead of rows (a line of JSON naming the kept files, their partition values
and the table version, imported as a JSON lines file with the raw table's columns as hints),
and the DuckDB destination made by ``duckdb_destination`` inserts every file a manifest names
in one statement, with the partition values and the table version as constant columns. The
rows are decoded once, by DuckDB, as its own ``read_parquet`` would; Arrow neither decodes
nor writes them again.

Kept files live in the pipeline's working directory (``SNAPSHOT_FILES_DIR``) until the load
that names them has succeeded: a load that failed stays pending in dlt, and the next run loads
it again from the same files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import dlt
import pyarrow as pa
import pyarrow.parquet as pq
from dlt.common.destination.client import LoadJob
from dlt.common.destination.typing import PreparedTableSchema
from dlt.destinations.impl.duckdb.duck import DuckDbClient, DuckDbCopyJob

# Where kept files wait for their load, under the pipeline's working directory.
SNAPSHOT_FILES_DIR = "snapshot_files"
# The dlt file format a manifest is imported as: a manifest is one line of JSON, and dlt's
# normalize step passes an imported JSON lines file on untouched (a Parquet file it may
# rewrite to match the raw table's columns, which would lose what a manifest says).
MANIFEST_FORMAT: Final = "jsonl"


@dataclass(frozen=True)
class KeptFile:
    """A data file kept as downloaded, the values of the columns it lacks, and its rows."""

    path: str
    values: dict[str, int | str | None] = field(default_factory=dict)
    rows: int = 0


@dataclass(frozen=True)
class SnapshotFiles:
    """What a manifest says: the files to insert and the version their rows were read at.

    Attributes:
        files: The kept data files, and their partition values.
        version: The table version, set on every row.
        version_column: The raw column that holds it.
    """

    files: list[KeptFile]
    version: int
    version_column: str

    def to_json(self) -> bytes:
        """The manifest's text."""
        return json.dumps({"snapshot_files": asdict(self)}).encode()

    @classmethod
    def from_json(cls, text: bytes) -> SnapshotFiles:
        """A manifest's text read back."""
        found = json.loads(text)["snapshot_files"]
        files = [KeptFile(**kept) for kept in found.pop("files")]
        return cls(files=files, **found)


def kept_rows(path: Path, schema: pa.Schema, partition_columns: set[str]) -> int | None:
    """The rows of the Parquet file at ``path``, if it has exactly ``schema``'s columns and types.

    Partition columns (which Delta leaves out of its files) are not expected in the file.
    None for a file that must be rewritten. One read of the file's footer answers both.
    """
    with pq.ParquetFile(path) as parquet:
        found = {column.name: column.type for column in parquet.schema_arrow}
        wanted = {
            column.name: column.type for column in schema if column.name not in partition_columns
        }
        return int(parquet.metadata.num_rows) if found == wanted else None


def write_manifest(path: Path, snapshot: SnapshotFiles) -> Path:
    """A manifest file (one line of JSON) naming ``snapshot``."""
    path.write_bytes(snapshot.to_json() + b"\n")
    return path


def read_manifest(path: str | Path) -> SnapshotFiles | None:
    """What the manifest at ``path`` names; None for any other file."""
    if not str(path).endswith(f".{MANIFEST_FORMAT}"):
        return None
    with Path(path).open("rb") as handle:
        first = handle.readline()
    try:
        return SnapshotFiles.from_json(first)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class _SnapshotFilesJob(DuckDbCopyJob):
    """Inserts the files a manifest names into the job's table: one statement, by name."""

    def __init__(self, file_path: str, snapshot: SnapshotFiles) -> None:
        super().__init__(file_path)
        self._snapshot = snapshot

    def run(self) -> None:
        snapshot = self._snapshot
        if not snapshot.files:
            return  # an empty table: dlt has created or emptied it
        self._sql_client = self._job_client.sql_client
        escape = self._sql_client.capabilities.escape_literal
        table = self._sql_client.make_qualified_table_name(self.load_table_name)
        quote = self._sql_client.escape_column_name
        version = f"cast({int(snapshot.version)} as bigint) as {quote(snapshot.version_column)}"
        # Files with the same partition values are read together.
        groups: dict[str, list[KeptFile]] = defaultdict(list)
        for kept in snapshot.files:
            groups[json.dumps(kept.values, sort_keys=True)].append(kept)
        selects = []
        for files in groups.values():
            constants = [
                f"{'null' if value is None else escape(value)} as {quote(name)}"
                for name, value in files[0].values.items()
            ]
            listed = ", ".join(escape(kept.path) for kept in files)
            selects.append(
                f"select *, {', '.join([*constants, version])} from read_parquet([{listed}])"
            )
        self._sql_client.execute_sql(
            f"insert into {table} by name {' union all by name '.join(selects)}"
        )


class _SnapshotFilesClient(DuckDbClient):
    """dlt's DuckDB client, which also loads manifests."""

    def create_load_job(
        self, table: PreparedTableSchema, file_path: str, load_id: str, restore: bool = False
    ) -> LoadJob:
        snapshot = read_manifest(file_path)
        if snapshot is not None:
            return _SnapshotFilesJob(file_path, snapshot)
        return super().create_load_job(table, file_path, load_id, restore)


class _DuckDbWithSnapshotFiles(dlt.destinations.duckdb):
    """dlt's DuckDB destination, whose client also loads manifests."""

    @property
    def client_class(self) -> type[DuckDbClient]:
        return _SnapshotFilesClient

    @property
    def destination_type(self) -> str:
        # dlt's own DuckDB destination in every other respect: its settings and the state
        # of pipelines that ran before.
        return dlt.destinations.duckdb().destination_type


def duckdb_destination(*args: Any, **kwargs: Any) -> dlt.destinations.duckdb:
    """DuckDB as a dlt destination (same arguments as dlt's), also loading manifests."""
    return _DuckDbWithSnapshotFiles(*args, **kwargs)
