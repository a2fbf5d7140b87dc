"""What the raw file already holds of each table, as earlier runs left it.

Its primary keys (``ExistingKeys``), to find the rows Procore deleted, and its columns in
dlt's schema (``known_columns``).
"""

from __future__ import annotations

import warnings
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from .catalog import ListSpec
from .errors import ProcoreSourceError


class ExistingKeys:
    """The primary keys already in the raw tables, to find rows the API no longer lists.

    Read through the running pipeline's destination client, once per table and run, so it
    works for any SQL destination dlt loads to. Outside a pipeline, or before a table
    exists, nothing is known and nothing is deleted.
    """

    def __init__(self) -> None:
        self._tables: dict[str, _TableKeys] = {}

    def in_scope(self, endpoint: ListSpec, scope_value: Any) -> set[tuple[Any, ...]]:
        """The keys (without the scope column) of ``endpoint``'s rows in one scope."""
        if endpoint.name not in self._tables:
            self._tables[endpoint.name] = _TableKeys.read(endpoint)
        return self._tables[endpoint.name].in_scope(scope_value)


class _TableKeys:
    """One raw table's keys, held as Arrow columns sorted by scope, with each scope's rows.

    About 16 bytes a key, where Python sets of tuples took about 150: a reconciling run of
    the `large` sandbox holds 1.4 million of them.
    """

    KEYS_PER_READ = 100_000

    def __init__(self, keys: pa.Table | None = None) -> None:
        self._keys = keys
        self._rows: dict[Any, tuple[int, int]] = {}  # scope -> (first row, row count)
        if keys is not None and keys.num_rows:
            # One chunk first: encoded chunk by chunk, a scope read in two batches would be
            # two runs.
            keys = keys.combine_chunks()
            runs = pc.run_end_encode(keys.column(0)).chunk(0)
            ends = runs.run_ends.to_pylist()
            starts = [0, *ends[:-1]]
            for scope, start, end in zip(runs.values.to_pylist(), starts, ends, strict=True):
                self._rows[scope] = (start, end - start)
            self._keys = keys.drop_columns([keys.column_names[0]])

    @classmethod
    def read(cls, endpoint: ListSpec) -> _TableKeys:
        """The keys of ``endpoint``'s raw table, or none on a first load."""
        if not known_columns(endpoint.name):
            return cls()  # never loaded (a first load), or outside a pipeline: nothing to ask
        try:
            pipeline = dlt.current.pipeline()
            with pipeline.sql_client() as client:
                table = client.make_qualified_table_name(endpoint.name)
                columns = ", ".join(client.escape_column_name(c) for c in endpoint.key)
                order = client.escape_column_name(endpoint.key[0])
                query = f"select {columns} from {table} order by {order}"
                with client.execute_query(query) as cursor, warnings.catch_warnings():
                    # DuckDB notes that Arrow from a DB-API cursor copies the rows once: a
                    # few MB here, and not worth a warning in a user's log.
                    warnings.simplefilter("ignore", UserWarning)
                    batches = list(cursor.iter_arrow(chunk_size=cls.KEYS_PER_READ))
        except DatabaseUndefinedRelation:  # no dataset or table yet: a first load
            return cls()
        except Exception as error:
            # Without the keys already loaded, rows Procore deleted would silently stay: a
            # reading failure ends the run instead of turning reconciliation off.
            raise ProcoreSourceError(
                f"Could not read the keys of raw table {endpoint.name} to find the records "
                f"Procore deleted ({type(error).__name__}: {str(error).splitlines()[0]}); the "
                "raw file may have been changed by hand: restore it, or delete it and its "
                "pipelines directory for a fresh full load."
            ) from error
        return cls(pa.concat_tables(batches) if batches else None)

    def in_scope(self, scope_value: Any) -> set[tuple[Any, ...]]:
        """The keys of one scope's rows."""
        if self._keys is None or scope_value not in self._rows:
            return set()
        start, count = self._rows[scope_value]
        rows = self._keys.slice(start, count)
        return set(zip(*(column.to_pylist() for column in rows.columns), strict=True))


def known_columns(table: str) -> dict[str, Any]:
    """The table's columns in the dlt schema of earlier runs (none outside a pipeline)."""
    try:
        schema = dlt.current.source_schema()
    except Exception:  # not extracting inside a pipeline: nothing is known
        return {}
    return dict(schema.tables.get(table, {}).get("columns", {}))
