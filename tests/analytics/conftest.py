"""Fixtures of the Procore Analytics loader tests: a generated share served over HTTP.

Every test module gets its own share (a tiny company written by the sandbox, plus the
loader's own check tables), so a module may change it. Nothing here names the sandbox's
tables: the loader, and these tests, discover them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable, QueryBuilder, write_deltalake

from sandbox import Company, generate_company
from sandbox.http import Request
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import write_share
from tests.conftest import CLOCK, SEED

DATASET = "procore_analytics"
# The loader's own tables in the share, next to the sandbox's: what a generated company may
# not have (an empty table, a partitioned one with a wall-clock timestamp).
CHECKS_SCHEMA = "loader_checks"


class CountingServer(DeltaSharingServer):
    """The sandbox's sharing server, recording every request and what it answered.

    ``stall_first_file_seconds``, when set, holds the first data file request that long
    before answering it: with a short ``url_ttl_seconds`` its URL expires in the meantime,
    as a presigned URL does when a long load reaches a file late.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, str, int]] = []
        self.stall_first_file_seconds: float | None = None

    def handle(self, request: Request) -> Any:
        if request.path.startswith("/files/") and self.stall_first_file_seconds:
            stall, self.stall_first_file_seconds = self.stall_first_file_seconds, None
            time.sleep(stall)
        response = super().handle(request)
        self.calls.append((request.method, request.path, response.status))
        return response

    def kinds(self) -> list[str]:
        """What each recorded request asked for: list, version, query, changes, file, ..."""
        kinds = []
        for _, path, _ in self.calls:
            if path.startswith("/files/"):
                kinds.append("file")
            elif "/tables/" in path and path.rsplit("/", 1)[-1] in (
                "version",
                "metadata",
                "query",
                "changes",
            ):
                kinds.append(path.rsplit("/", 1)[-1])
            else:
                kinds.append("list")
        return kinds


@dataclass
class Share:
    """A served share: its company, Delta tables on disk, server and profile file."""

    company: Company
    root: Path
    server: CountingServer
    profile: Path

    @property
    def tables_root(self) -> Path:
        """Where the Delta tables are: ``<schema>/<table>/``."""
        return self.root / "tables"

    def delta_tables(self) -> dict[str, Path]:
        """``schema.table`` -> directory, of every Delta table the share holds."""
        return {
            f"{log.parent.parent.name}.{log.parent.name}": log.parent
            for log in sorted(self.tables_root.glob("*/*/_delta_log"))
        }


def write_check_tables(root: Path) -> None:
    """The loader's check tables: an empty typed one and a partitioned one."""
    empty = pa.schema(
        [
            pa.field("empty_amount_id", pa.int64(), nullable=False),
            pa.field("amount", pa.decimal128(38, 5)),
            pa.field("amount_project_currency", pa.decimal128(19, 2)),
            pa.field("booked_at", pa.timestamp("us", tz="UTC")),
            pa.field("booked_on", pa.date32()),
        ]
    )
    write_deltalake(root / CHECKS_SCHEMA / "empty_amounts", empty.empty_table())
    costs = pa.table(
        {
            "partitioned_cost_id": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "project_id": pa.array([10, 10, 20, 20, 30], pa.int64()),
            "cost_date": pa.array(
                [date(2026, 1, 5), date(2026, 1, 5), date(2026, 2, 1), None, date(2026, 3, 9)],
                pa.date32(),
            ),
            "amount": pa.array(
                [Decimal("1.12345"), Decimal("-20.5"), None, Decimal("0"), Decimal("99999.99999")],
                pa.decimal128(38, 5),
            ),
            # A wall-clock timestamp (Delta timestamp_ntz), read as UTC.
            "logged_at": pa.array(
                [datetime(2026, 1, 5, 7, 30), None, datetime(2026, 2, 1), None, None],
                pa.timestamp("us"),
            ),
            "memo": ["a", "b", None, "d", "e/f=g h"],
        }
    )
    write_deltalake(
        root / CHECKS_SCHEMA / "partitioned_costs", costs, partition_by=["project_id", "cost_date"]
    )


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # requests would route 127.0.0.1 through a configured proxy.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in list(os.environ):
        if name.startswith("SOURCES__PROCORE_ANALYTICS__"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Share]:
    """A tiny company's share plus the check tables, served until the module ends."""
    root = tmp_path_factory.mktemp("analytics-share")
    company = generate_company(seed=SEED, scale="tiny", clock=CLOCK)
    write_share(company, root / "tables")
    write_check_tables(root / "tables")
    with CountingServer(root / "tables") as server:
        yield Share(company, root, server, server.write_profile(root / "procore.share"))


# -- reading both sides ----------------------------------------------------------------------


def delta_rows(path: Path) -> pa.Table:
    """A Delta table's current rows, read from disk with deltalake (not through the share)."""
    rows = QueryBuilder().register("t", DeltaTable(path)).execute("select * from t").read_all()
    return pa.table(rows)


def delta_types(path: Path) -> dict[str, str]:
    """Column -> Delta type name (``decimal(38,5)``, ``timestamp_ntz``, ...), from the log."""
    fields = json.loads(DeltaTable(path).schema().to_json())["fields"]
    return {
        field["name"]: field["type"] if isinstance(field["type"], str) else "nested"
        for field in fields
    }


class RawReader:
    """Reads a raw file through one read-only connection (close it before the next load)."""

    def __init__(self, raw: Path) -> None:
        self.connection = duckdb.connect(str(raw), read_only=True)
        columns = self.connection.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = ?",
            [DATASET],
        ).fetchall()
        self._types: dict[str, dict[str, str]] = {}
        for table, column, kind in columns:
            self._types.setdefault(table, {})[column] = kind

    def __enter__(self) -> RawReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.connection.close()

    def rows(self, table: str, columns: list[str]) -> pa.Table:
        """Some columns of a raw table."""
        selected = ", ".join(f'"{column}"' for column in columns)
        return self.connection.sql(f'select {selected} from {DATASET}."{table}"').to_arrow_table()

    def types(self, table: str) -> dict[str, str]:
        """Column -> DuckDB type of a raw table."""
        return self._types[table]

    def tables(self) -> set[str]:
        """The data tables of the raw dataset (not dlt's, not the load report)."""
        return {
            name
            for name in self._types
            if not name.startswith("_dlt") and name != "pcw_load_report"
        }


def raw_rows(raw: Path, table: str, columns: list[str]) -> pa.Table:
    """Some columns of a raw table."""
    with RawReader(raw) as reader:
        return reader.rows(table, columns)


def raw_types(raw: Path, table: str) -> dict[str, str]:
    """Column -> DuckDB type of a raw table."""
    with RawReader(raw) as reader:
        return reader.types(table)


def raw_tables(raw: Path) -> set[str]:
    """The data tables of the raw dataset (not dlt's, not the load report)."""
    with RawReader(raw) as reader:
        return reader.tables()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # Delta timestamp_ntz values are UTC wall clock; the raw ones are UTC instants.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def as_rows(table: pa.Table, columns: list[str]) -> list[tuple[Any, ...]]:
    """The rows of ``columns``, with plain values, in a stable order."""
    rows = [tuple(_plain(row[c]) for c in columns) for row in table.select(columns).to_pylist()]
    return sorted(rows, key=repr)


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
