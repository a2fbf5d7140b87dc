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

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.typing import TSecretStrValue
from dlt.sources import DltResource

from .changes import merge
from .errors import (
    EndpointUnreachable,
    FileURLExpired,
    ProcoreAnalyticsError,
    ProfileError,
    SharingServerError,
    TokenError,
)
from .profile import ShareProfile, profile_from_settings, read_profile
from .protocol import RequestStats, SharingClient, TableRef
from .run import AnalyticsRun, ColumnChange, TableRun, TableSync, awaited
from .settings import SETTINGS_SECTION
from .snapshots import replace

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
        return list(shared)
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
            # Items carry their disposition (`TableRun.mark`): a resource that yields nothing
            # must leave its table alone, and an unmarked "replace" would empty it.
            write_disposition="append",
        )
        for table in chosen
    ]


# -- one table -------------------------------------------------------------------------------


def _sync_table(
    ref: TableRef,
    raw: str,
    client: SharingClient,
    run: AnalyticsRun,
    overrides: dict[str, Sequence[str]],
) -> Any:
    """The generator of one table's resource (a function, so each table gets its own)."""

    def sync() -> Iterator[pa.Table]:
        table = TableRun(ref, raw, client, run, overrides, dlt.current.resource_state())
        yield from _sync(table)

    sync.__name__ = raw
    return sync


def _sync(table: TableRun) -> Iterator[pa.Table]:
    """Bring one raw table up to its shared table's latest version."""
    state = table.state
    # Asked on the file threads: dlt goes on to other tables while the answer comes.
    version = yield from awaited(table.run, table.client.table_version, table.ref)
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
    elif known is not None and version < known:
        reason = f"version went back from {known} (the table was recreated)"
    elif not state.get("key"):
        reason = "no merge key"
    elif not state.get("change_data_feed"):
        reason = "no change data feed"
    else:
        assert known is not None  # not a first load
        merged = yield from merge(table, known, version)
        if merged:
            return
        reason = table.fallback
    yield from replace(table, reason, known)


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
