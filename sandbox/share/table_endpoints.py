"""The Delta Sharing table endpoints: version, metadata, snapshot query and change data feed.

Each reads the table's Delta log (``deltalog``) and answers in the response format the
client asks for; file lines carry presigned URLs (``files``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..http import Request
from .deltalog import DeltaLog, Snapshot
from .parsing import (
    capabilities,
    check_features,
    choose_format,
    json_body,
    parse_int,
    parse_timestamp,
)
from .predicates import parse_json_predicate
from .protocol import (
    INVALID_PARAMETER_VALUE,
    TABLE_VERSION_HEADER,
    UNSUPPORTED_OPERATION,
    ShareResponse,
    SharingError,
    cdf_enabled,
    metadata_line,
    ndjson_response,
    num_records,
    protocol_line,
    table_headers,
)


class TableEndpoints:
    """The endpoints of one table; a mixin of ``DeltaSharingServer``.

    The server supplies name resolution (``ShareDiscovery``) and file lines (``FileServing``).
    """

    # Supplied by the other mixins; annotations only, so that they do not shadow them.
    _resolve_table: Callable[[str, str, str], tuple[str, str, Path]]
    _public_host: Callable[[Request], str]
    _expiration: Callable[[], int]
    _file_line: Callable[..., dict[str, Any]]

    def _table_version(
        self, request: Request, share: str, schema: str, table: str
    ) -> ShareResponse:
        """Latest version, or with ``startingTimestamp`` the earliest version at/after it."""
        _, _, path = self._resolve_table(share, schema, table)
        log = DeltaLog(path)
        starting = request.param("startingTimestamp")
        if starting:
            version = log.version_at_or_after(parse_timestamp(starting, "startingTimestamp"))
        else:
            version = log.latest_version
        return ShareResponse(200, b"", {TABLE_VERSION_HEADER: str(version)})

    def _table_metadata(
        self, request: Request, share: str, schema: str, table: str
    ) -> ShareResponse:
        _, _, path = self._resolve_table(share, schema, table)
        formats, features = capabilities(request)
        snapshot = DeltaLog(path).snapshot()
        response_format = choose_format(formats, snapshot)
        check_features(snapshot, response_format, features, snapshot.files)
        size = sum(int(add.get("size") or 0) for add in snapshot.files)
        lines = [
            protocol_line(snapshot.protocol, response_format, features),
            metadata_line(
                snapshot.metadata, response_format, snapshot.version, size, len(snapshot.files)
            ),
        ]
        return ndjson_response(lines, table_headers(snapshot.version, response_format))

    def _query(self, request: Request, share: str, schema: str, table: str) -> ShareResponse:
        """Snapshot query: protocol, metaData, one line per file.

        ``limitHint`` stops adding files once their ``stats.numRecords`` reach it, and only
        when no predicate hints are given (as the reference server does). ``jsonPredicateHints``
        skips files by partition values (see ``predicates``); SQL ``predicateHints`` are
        ignored, which PROTOCOL.md allows. Streaming (``startingVersion``) is not served.
        """
        schema_name, table_name, path = self._resolve_table(share, schema, table)
        body = json_body(request)
        given = [key for key in ("version", "timestamp", "startingVersion") if key in body]
        if len(given) > 1:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, f"only one of {', '.join(given)} may be set"
            )
        if "startingVersion" in body or "endingVersion" in body:
            raise SharingError(
                400, UNSUPPORTED_OPERATION, "startingVersion/endingVersion are not supported"
            )
        log = DeltaLog(path)
        version: int | None = None
        if "version" in body:
            version = parse_int(body["version"], "version")
        elif "timestamp" in body:
            version = log.version_at_or_before(parse_timestamp(str(body["timestamp"]), "timestamp"))
        snapshot = log.snapshot(version)
        formats, features = capabilities(request)
        response_format = choose_format(formats, snapshot)
        check_features(snapshot, response_format, features, snapshot.files)

        hints = body.get("jsonPredicateHints")
        predicate = parse_json_predicate(
            hints if isinstance(hints, str) else None,
            list(snapshot.metadata.get("partitionColumns") or []),
        )
        limit = None
        if body.get("limitHint") is not None and not hints and not body.get("predicateHints"):
            limit = parse_int(body["limitHint"], "limitHint")

        lines = [
            protocol_line(snapshot.protocol, response_format, features),
            metadata_line(snapshot.metadata, response_format, snapshot.version),
        ]
        host = self._public_host(request)
        exp = self._expiration()
        records = 0
        # The reference server leaves `version` out of file lines of a latest-snapshot query.
        file_version = snapshot.version if version is not None else None
        for add in snapshot.files:
            if predicate is not None and not predicate(add.get("partitionValues") or {}):
                continue
            if limit is not None and records >= limit:
                break
            records += num_records(add)
            lines.append(
                self._file_line(
                    "add", add, response_format, host, schema_name, table_name, exp, file_version
                )
            )
        return ndjson_response(lines, table_headers(snapshot.version, response_format))

    def _changes(self, request: Request, share: str, schema: str, table: str) -> ShareResponse:
        """Change data feed: the ``/changes`` answer.

        Needs ``delta.enableChangeDataFeed=true`` at every version of the range. A version with
        ``cdc`` actions answers only those (as ``cdf`` lines); otherwise its data-changing
        ``add``/``remove`` actions, whose rows the client reads as inserts/deletes.
        """
        schema_name, table_name, path = self._resolve_table(share, schema, table)
        log = DeltaLog(path)
        latest = log.latest_version
        params = {
            name: request.param(name)
            for name in ("startingVersion", "endingVersion", "startingTimestamp", "endingTimestamp")
        }
        if params["startingVersion"] is not None and params["startingTimestamp"] is not None:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, "only one of startingVersion/startingTimestamp"
            )
        if params["endingVersion"] is not None and params["endingTimestamp"] is not None:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, "only one of endingVersion/endingTimestamp"
            )
        if params["startingVersion"] is not None:
            start = parse_int(params["startingVersion"], "startingVersion")
        elif params["startingTimestamp"] is not None:
            stamp = parse_timestamp(params["startingTimestamp"], "startingTimestamp")
            start = log.version_at_or_after(stamp)
        else:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, "startingVersion or startingTimestamp is required"
            )
        if params["endingVersion"] is not None:
            # Delta clamps an ending version past the latest one.
            end = min(parse_int(params["endingVersion"], "endingVersion"), latest)
        elif params["endingTimestamp"] is not None:
            stamp = parse_timestamp(params["endingTimestamp"], "endingTimestamp")
            candidates = [v for v, t in log.timestamps().items() if t <= stamp]
            if not candidates:
                raise SharingError(
                    400, INVALID_PARAMETER_VALUE, "endingTimestamp is before the first version"
                )
            end = max(candidates)
        else:
            end = latest
        if start > latest:
            raise SharingError(
                400,
                INVALID_PARAMETER_VALUE,
                f"startingVersion {start} is after the latest version of the table ({latest})",
            )
        if start > end:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, f"starting version {start} is after ending {end}"
            )
        historical = (request.param("includeHistoricalMetadata") or "").lower() == "true"

        first = log.snapshot(start, with_files=False)
        protocol, metadata = first.protocol, first.metadata
        commits = []
        change_lines: list[tuple[int, int, str, dict[str, Any]]] = []
        history: dict[int, dict[str, Any]] = {}
        for version in range(start, end + 1):
            commit = log.commit(version)
            for action in commit.actions:
                if "protocol" in action:
                    protocol = action["protocol"]
                elif "metaData" in action:
                    metadata = action["metaData"]
                    if version > start:
                        history[version] = metadata
            if not cdf_enabled(metadata):
                raise SharingError(
                    400,
                    INVALID_PARAMETER_VALUE,
                    f"Error getting change data for range [{start} , {end}] as change data was "
                    f"not recorded for version [{version}]: delta.enableChangeDataFeed is not "
                    "true for this table",
                )
            commits.append(commit)
        for commit in commits:
            cdc = [action["cdc"] for action in commit.actions if "cdc" in action]
            if cdc:
                change_lines += [(commit.version, commit.timestamp, "cdc", a) for a in cdc]
                continue
            for action in commit.actions:
                for kind in ("add", "remove"):
                    if kind in action and action[kind].get("dataChange", True):
                        change_lines.append((commit.version, commit.timestamp, kind, action[kind]))

        formats, features = capabilities(request)
        head = Snapshot(end, protocol, metadata)
        response_format = choose_format(formats, head)
        check_features(head, response_format, features, [a for *_, a in change_lines])
        # In delta format the client's kernel needs the start version's
        # metaData with `version`; the parquet path reads the schema of the range's end.
        head_metadata = first.metadata if response_format == "delta" else metadata
        lines = [
            protocol_line(protocol, response_format, features),
            metadata_line(head_metadata, response_format, start),
        ]
        host = self._public_host(request)
        exp = self._expiration()
        by_version: dict[int, list[dict[str, Any]]] = {}
        for version, stamp, kind, action in change_lines:
            by_version.setdefault(version, []).append(
                self._file_line(
                    kind,
                    action,
                    response_format,
                    host,
                    schema_name,
                    table_name,
                    exp,
                    version,
                    stamp,
                    changes=True,
                )
            )
        for version in range(start, end + 1):
            # Historical metaData lines crash the 1.4.2 parquet path; send them only when
            # asked, which only the delta path does.
            if historical and response_format == "delta" and version in history:
                lines.append(metadata_line(history[version], response_format, version))
            lines += by_version.get(version, [])
        return ndjson_response(lines, table_headers(start, response_format))
