"""A local Delta Sharing server: Procore Analytics' "Cloud Connector" as the real client sees it.

Procore hands customers a Delta Share (bearer token, endpoint, share name) served by Databricks;
this server answers the same REST protocol for Delta tables on local disk so that the real
``delta-sharing`` 1.4.2 client reads them over ``http://127.0.0.1``. Behaviour follows
``docs/procore-analytics.md`` ("The sharing server"), which says what the client needs.

Layout: ``<root>/<schema>/<table>/`` is a Delta table (it has ``_delta_log/``). There is one
share; schemas and tables are discovered on every request, so tables may appear after start.

Data files are served by the same server under ``/files/...`` with "presigned" URLs: an expiry
(``exp``, epoch ms) and an HMAC named ``X-Amz-Signature`` (delta-kernel-rs only fetches
http URLs whose query carries a known signature parameter). File answers honour ``HEAD`` and
``Range`` (the parquet path reads files over 5 MB in ranges).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ..background import BackgroundServer, SandboxRequestHandler
from ..http import Request
from .deltalog import DeltaLog, DeltaLogError, Snapshot, is_delta_table
from .predicates import parse_json_predicate

__all__ = [
    "CAPABILITIES_HEADER",
    "INTERNAL_ERROR",
    "INVALID_PARAMETER_VALUE",
    "MALFORMED_REQUEST",
    "PERMISSION_DENIED",
    "RESOURCE_DOES_NOT_EXIST",
    "SIGNATURE_PARAMETER",
    "TABLE_VERSION_HEADER",
    "UNAUTHENTICATED",
    "UNSUPPORTED_OPERATION",
    "DeltaSharingServer",
    "SharingError",
]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# The spec's content type for metadata, query and changes.
NDJSON_CONTENT_TYPE = "application/x-ndjson; charset=utf-8"
CAPABILITIES_HEADER = "delta-sharing-capabilities"
TABLE_VERSION_HEADER = "Delta-Table-Version"
# delta-kernel-rs treats an http URL as presigned only with one of a few parameter names.
SIGNATURE_PARAMETER = "X-Amz-Signature"

# The reference server's error codes.
RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
MALFORMED_REQUEST = "MALFORMED_REQUEST"
UNSUPPORTED_OPERATION = "UNSUPPORTED_OPERATION"
INTERNAL_ERROR = "INTERNAL_ERROR"
# Not in the reference list: Databricks REST APIs answer 401/403 with these codes [INFERRED].
UNAUTHENTICATED = "UNAUTHENTICATED"
PERMISSION_DENIED = "PERMISSION_DENIED"

# The reference server's default page size; larger requests are clamped.
DEFAULT_MAX_RESULTS = 500
MAX_RESULTS_LIMIT = 1000
# Names may not contain `.`, space, `/` or control characters; `_`/`.`-prefixed
# directories are never shared (they hold Delta internals or scratch files).
_NAME = re.compile(r"^[^._][^./\s\x00-\x1f\x7f]*$")
_FORMATS = ("parquet", "delta")
_FILE_CHUNK = 1 << 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SharingError(Exception):
    """An error answered as ``{"errorCode": ..., "message": ...}`` with an HTTP status."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(f"{status} {error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message


@dataclass
class _Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON_CONTENT_TYPE
    # A slice of a data file, streamed instead of `body`: (path, first byte, length).
    file: tuple[Path, int, int] | None = None


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., _Response]
    authenticated: bool = True


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> _Response:
    """Compact JSON: the client reads each record as one line."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return _Response(status, body, dict(headers or {}))


def _ndjson(lines: list[dict[str, Any]], headers: dict[str, str]) -> _Response:
    """One compact JSON record per line, no blank lines (the client reads line by line)."""
    body = b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)
    return _Response(200, body, headers, NDJSON_CONTENT_TYPE)


def _millis(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _parse_timestamp(value: str, name: str) -> int:
    """ISO 8601 (``2022-01-01T00:00:00Z``, as the protocol writes it) as epoch ms; naive is UTC.

    The reference server also takes ``yyyy-mm-dd hh:mm:ss[.f]``, which ``fromisoformat`` reads.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"Invalid {name}: {value}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _millis(moment)


def _parse_int(value: Any, name: str, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be an integer")
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be an integer") from error
    if number < minimum:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be >= {minimum}")
    return number


def _lookup(names: list[str], wanted: str) -> str | None:
    """Names are case-insensitive; an exact match wins over a case-folded one."""
    if wanted in names:
        return wanted
    folded = wanted.lower()
    return next((name for name in names if name.lower() == folded), None)


def _num_records(action: dict[str, Any]) -> int:
    """``stats.numRecords`` of an add action, 0 when unknown (as the reference server counts)."""
    try:
        return int(json.loads(action.get("stats") or "{}").get("numRecords", 0))
    except (TypeError, ValueError, AttributeError):
        return 0


def _cdf_enabled(metadata: dict[str, Any]) -> bool:
    configuration = metadata.get("configuration") or {}
    return str(configuration.get("delta.enableChangeDataFeed", "false")).lower() == "true"


def _clean_schema(schema_string: str) -> str:
    """The reference server keeps only column comments in a parquet-format schemaString."""
    try:
        schema = json.loads(schema_string)
        for column in schema.get("fields", []):
            comment = (column.get("metadata") or {}).get("comment")
            column["metadata"] = {"comment": comment} if comment is not None else {}
    except (ValueError, AttributeError, TypeError):
        return schema_string
    return json.dumps(schema, separators=(",", ":"))


class _RangeNotSatisfiable(SharingError):
    def __init__(self, size: int) -> None:
        super().__init__(416, INVALID_PARAMETER_VALUE, "the requested range is not satisfiable")
        self.size = size


class DeltaSharingServer(BackgroundServer):
    """A Delta Sharing server over the Delta tables under ``root``.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with DeltaSharingServer(tmp_path / "share") as server:
            profile = server.write_profile(tmp_path / "config.share")
            delta_sharing.load_as_pandas(f"{profile}#procore_analytics.project_management.rfis")

    ``bearer_token`` defaults to a random token; ``token_expires_at`` (when set and past)
    makes every API call answer 401. ``url_ttl_seconds`` is the life of file URLs.
    ``max_results_default`` is the page size when a list call sends no ``maxResults``
    (the 1.4.2 client never does), so tests set it to 1 to exercise paging.
    """

    def __init__(
        self,
        root: Path,
        share: str = "procore_analytics",
        bearer_token: str | None = None,
        token_expires_at: datetime | None = None,
        url_ttl_seconds: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
        endpoint_prefix: str = "/delta-sharing",
        max_results_default: int = DEFAULT_MAX_RESULTS,
    ) -> None:
        if not _NAME.match(share):
            raise ValueError(f"invalid share name: {share!r}")
        self.root = Path(root)
        self.share = share
        self.bearer_token = bearer_token or secrets.token_urlsafe(32)
        if token_expires_at is not None and token_expires_at.tzinfo is None:
            token_expires_at = token_expires_at.replace(tzinfo=UTC)
        self.token_expires_at = token_expires_at
        self.url_ttl_seconds = url_ttl_seconds
        self.max_results_default = max_results_default
        self.endpoint_prefix = (
            "/" + endpoint_prefix.strip("/") if endpoint_prefix.strip("/") else ""
        )
        self.share_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"delta-sharing:{share}"))
        self.request_count = 0
        self._host = host
        self._port = port
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._routes: list[_Route] = []
        self._register_routes()

    # -- lifecycle (start, stop, port: see BackgroundServer) -------------------------------

    thread_name = "delta-sharing-sandbox"

    @property
    def endpoint(self) -> str:
        """The profile's ``endpoint``: base URL plus prefix, no trailing slash."""
        return f"http://{self._host}:{self.port}{self.endpoint_prefix}"

    def profile(self) -> dict[str, Any]:
        """A version-1 profile, the form Procore hands out."""
        profile: dict[str, Any] = {
            "shareCredentialsVersion": 1,
            "endpoint": self.endpoint,
            "bearerToken": self.bearer_token,
        }
        if self.token_expires_at is not None:
            stamp = self.token_expires_at.astimezone(UTC)
            profile["expirationTime"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return profile

    def write_profile(self, path: Path) -> Path:
        """Write the profile file (``config.share``) and return its path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.profile(), indent=2) + "\n", encoding="utf-8")
        return path

    # -- dispatch ----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        def route(
            method: str, path: str, handler: Callable[..., _Response], authenticated: bool = True
        ) -> None:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            pattern = pattern.replace("(?P<path>[^/]+)", "(?P<path>.+)")
            self._routes.append(_Route(method, re.compile(f"^{pattern}$"), handler, authenticated))

        prefix = re.escape(self.endpoint_prefix)
        shares = f"{prefix}/shares"
        table = f"{shares}/{{share}}/schemas/{{schema}}/tables/{{table}}"
        route("GET", shares, self._list_shares)
        route("GET", f"{shares}/{{share}}", self._get_share)
        route("GET", f"{shares}/{{share}}/schemas", self._list_schemas)
        route("GET", f"{shares}/{{share}}/schemas/{{schema}}/tables", self._list_tables)
        route("GET", f"{shares}/{{share}}/all-tables", self._list_all_tables)
        # PROTOCOL.md keeps the deprecated `HEAD .../tables/{t}` for the table version.
        route("HEAD", table, self._table_version)
        route("GET", f"{table}/version", self._table_version)
        route("GET", f"{table}/metadata", self._table_metadata)
        route("POST", f"{table}/query", self._query)
        route("GET", f"{table}/changes", self._changes)
        # Files authenticate by signature, as presigned cloud URLs do.
        files = "/files/{share}/{schema}/{table}/{path}"
        route("GET", files, self._serve_file, authenticated=False)
        route("HEAD", files, self._serve_file, authenticated=False)

    def handle(self, request: Request) -> _Response:
        """Answer one request (errors included); used by the HTTP handler."""
        with self._lock:
            self.request_count += 1
        try:
            return self._route(request)
        except SharingError as error:
            return self._error(error)
        except DeltaLogError as error:
            return self._error(SharingError(400, INVALID_PARAMETER_VALUE, str(error)))

    @staticmethod
    def _error(error: SharingError) -> _Response:
        return _json({"errorCode": error.error_code, "message": error.message}, error.status)

    def _route(self, request: Request) -> _Response:
        matching = [(r, r.pattern.match(request.path)) for r in self._routes]
        matching = [(r, m) for r, m in matching if m is not None]
        if not matching:
            if request.path.startswith(self.endpoint_prefix + "/"):
                self._authenticate(request)
            raise SharingError(404, RESOURCE_DOES_NOT_EXIST, f"no such path: {request.path}")
        for candidate, match in matching:
            if candidate.method == request.method:
                if candidate.authenticated:
                    self._authenticate(request)
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                return candidate.handler(request, **params)
        raise SharingError(405, UNSUPPORTED_OPERATION, f"{request.method} is not supported here")

    def _authenticate(self, request: Request) -> None:
        """Bearer-token check: 401 when missing, wrong or expired."""
        scheme, _, token = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.bearer_token.encode()
        ):
            raise SharingError(401, UNAUTHENTICATED, "missing or invalid bearer token")
        if self.token_expires_at is not None and datetime.now(UTC) >= self.token_expires_at:
            raise SharingError(401, UNAUTHENTICATED, "the bearer token has expired")

    # -- discovery -----------------------------------------------------------------------------

    def _check_share(self, share: str) -> None:
        if share.lower() != self.share.lower():
            raise SharingError(404, RESOURCE_DOES_NOT_EXIST, f"share '{share}' does not exist")

    def _table_names(self, schema: str) -> list[str]:
        try:
            entries = os.listdir(self.root / schema)
        except OSError:
            return []
        return sorted(
            name
            for name in entries
            if _NAME.match(name) and is_delta_table(self.root / schema / name)
        )

    def _tables_by_schema(self) -> dict[str, list[str]]:
        """Schema -> tables, both sorted; read from disk on every call (tables may appear)."""
        try:
            entries = sorted(os.listdir(self.root))
        except OSError:
            return {}
        by_schema = {}
        for name in entries:
            if _NAME.match(name) and (self.root / name).is_dir():
                tables = self._table_names(name)
                if tables:  # a schema exists in a share only through its tables
                    by_schema[name] = tables
        return by_schema

    def _resolve_schema(self, share: str, schema: str) -> tuple[str, list[str]]:
        self._check_share(share)
        by_schema = self._tables_by_schema()
        name = _lookup(list(by_schema), schema)
        if name is None:
            raise SharingError(
                404, RESOURCE_DOES_NOT_EXIST, f"schema '{share}.{schema}' does not exist"
            )
        return name, by_schema[name]

    def _resolve_table(self, share: str, schema: str, table: str) -> tuple[str, str, Path]:
        schema_name, tables = self._resolve_schema(share, schema)
        name = _lookup(tables, table)
        if name is None:
            raise SharingError(
                404, RESOURCE_DOES_NOT_EXIST, f"table '{share}.{schema}.{table}' does not exist"
            )
        return schema_name, name, self.root / schema_name / name

    def _table_item(self, schema: str, table: str) -> dict[str, str]:
        table_id = uuid.uuid5(uuid.NAMESPACE_URL, f"delta-sharing:{self.share}.{schema}.{table}")
        return {
            "name": table,
            "schema": schema,
            "share": self.share,
            "shareId": self.share_id,
            "id": str(table_id),
        }

    # -- pagination ----------------------------------------------------------------------------

    def _page(self, request: Request, scope: str, items: list[tuple[list[str], dict]]) -> _Response:
        """One page of ``items`` (sort key, item), with an opaque ``nextPageToken``.

        The token names the last key served, so tables appearing between pages neither repeat
        nor shift earlier items (the token is opaque to the client).
        """
        raw = request.param("maxResults")
        size = self.max_results_default if raw is None else _parse_int(raw, "maxResults")
        size = min(size or self.max_results_default, MAX_RESULTS_LIMIT)
        items = sorted(items, key=lambda pair: pair[0])
        token = request.param("pageToken")
        if token:
            after = self._decode_token(token, scope)
            items = [pair for pair in items if pair[0] > after]
        page = items[:size]
        body: dict[str, Any] = {"items": [item for _, item in page]}
        if len(items) > size:
            body["nextPageToken"] = self._encode_token(scope, page[-1][0])
        return _json(body)

    @staticmethod
    def _encode_token(scope: str, after: list[str]) -> str:
        raw = json.dumps({"scope": scope, "after": after}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def _decode_token(token: str, scope: str) -> list[str]:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            decoded = json.loads(raw)
            after = decoded["after"]
            valid = decoded["scope"] == scope and isinstance(after, list)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise SharingError(400, INVALID_PARAMETER_VALUE, f"invalid pageToken: {token}")
        return [str(part) for part in after]

    # -- list endpoints ------------------------------------------------------------------------

    def _list_shares(self, request: Request) -> _Response:
        item = {"name": self.share, "id": self.share_id}
        return self._page(request, "shares", [([self.share], item)])

    def _get_share(self, request: Request, share: str) -> _Response:
        self._check_share(share)
        return _json({"share": {"name": self.share, "id": self.share_id}})

    def _list_schemas(self, request: Request, share: str) -> _Response:
        self._check_share(share)
        items = [([name], {"name": name, "share": self.share}) for name in self._tables_by_schema()]
        return self._page(request, f"schemas:{self.share}", items)

    def _list_tables(self, request: Request, share: str, schema: str) -> _Response:
        schema_name, tables = self._resolve_schema(share, schema)
        items = [([name], self._table_item(schema_name, name)) for name in tables]
        return self._page(request, f"tables:{self.share}.{schema_name}", items)

    def _list_all_tables(self, request: Request, share: str) -> _Response:
        self._check_share(share)
        items = [
            ([schema, name], self._table_item(schema, name))
            for schema, tables in self._tables_by_schema().items()
            for name in tables
        ]
        return self._page(request, f"all-tables:{self.share}", items)

    # -- table endpoints -----------------------------------------------------------------------

    def _table_version(self, request: Request, share: str, schema: str, table: str) -> _Response:
        """Latest version, or with ``startingTimestamp`` the earliest version at/after it."""
        _, _, path = self._resolve_table(share, schema, table)
        log = DeltaLog(path)
        starting = request.param("startingTimestamp")
        if starting:
            version = log.version_at_or_after(_parse_timestamp(starting, "startingTimestamp"))
        else:
            version = log.latest_version
        return _Response(200, b"", {TABLE_VERSION_HEADER: str(version)})

    def _table_metadata(self, request: Request, share: str, schema: str, table: str) -> _Response:
        _, _, path = self._resolve_table(share, schema, table)
        formats, features = self._capabilities(request)
        snapshot = DeltaLog(path).snapshot()
        response_format = self._choose_format(formats, snapshot)
        self._check_features(snapshot, response_format, features, snapshot.files)
        size = sum(int(add.get("size") or 0) for add in snapshot.files)
        lines = [
            self._protocol_line(snapshot.protocol, response_format, features),
            self._metadata_line(
                snapshot.metadata, response_format, snapshot.version, size, len(snapshot.files)
            ),
        ]
        return _ndjson(lines, self._table_headers(snapshot.version, response_format))

    def _query(self, request: Request, share: str, schema: str, table: str) -> _Response:
        """Snapshot query: protocol, metaData, one line per file.

        ``limitHint`` stops adding files once their ``stats.numRecords`` reach it, and only
        when no predicate hints are given (as the reference server does). ``jsonPredicateHints``
        skips files by partition values (see ``predicates``); SQL ``predicateHints`` are
        ignored, which PROTOCOL.md allows. Streaming (``startingVersion``) is not served.
        """
        schema_name, table_name, path = self._resolve_table(share, schema, table)
        body = self._json_body(request)
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
            version = _parse_int(body["version"], "version")
        elif "timestamp" in body:
            version = log.version_at_or_before(
                _parse_timestamp(str(body["timestamp"]), "timestamp")
            )
        snapshot = log.snapshot(version)
        formats, features = self._capabilities(request)
        response_format = self._choose_format(formats, snapshot)
        self._check_features(snapshot, response_format, features, snapshot.files)

        hints = body.get("jsonPredicateHints")
        predicate = parse_json_predicate(
            hints if isinstance(hints, str) else None,
            list(snapshot.metadata.get("partitionColumns") or []),
        )
        limit = None
        if body.get("limitHint") is not None and not hints and not body.get("predicateHints"):
            limit = _parse_int(body["limitHint"], "limitHint")

        lines = [
            self._protocol_line(snapshot.protocol, response_format, features),
            self._metadata_line(snapshot.metadata, response_format, snapshot.version),
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
            records += _num_records(add)
            lines.append(
                self._file_line(
                    "add", add, response_format, host, schema_name, table_name, exp, file_version
                )
            )
        return _ndjson(lines, self._table_headers(snapshot.version, response_format))

    def _changes(self, request: Request, share: str, schema: str, table: str) -> _Response:
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
            start = _parse_int(params["startingVersion"], "startingVersion")
        elif params["startingTimestamp"] is not None:
            stamp = _parse_timestamp(params["startingTimestamp"], "startingTimestamp")
            start = log.version_at_or_after(stamp)
        else:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, "startingVersion or startingTimestamp is required"
            )
        if params["endingVersion"] is not None:
            # Delta clamps an ending version past the latest one.
            end = min(_parse_int(params["endingVersion"], "endingVersion"), latest)
        elif params["endingTimestamp"] is not None:
            stamp = _parse_timestamp(params["endingTimestamp"], "endingTimestamp")
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
            if not _cdf_enabled(metadata):
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

        formats, features = self._capabilities(request)
        head = Snapshot(end, protocol, metadata)
        response_format = self._choose_format(formats, head)
        self._check_features(head, response_format, features, [a for *_, a in change_lines])
        # In delta format the client's kernel needs the start version's
        # metaData with `version`; the parquet path reads the schema of the range's end.
        head_metadata = first.metadata if response_format == "delta" else metadata
        lines = [
            self._protocol_line(protocol, response_format, features),
            self._metadata_line(head_metadata, response_format, start),
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
                lines.append(self._metadata_line(history[version], response_format, version))
            lines += by_version.get(version, [])
        return _ndjson(lines, self._table_headers(start, response_format))

    # -- response pieces -----------------------------------------------------------------------

    @staticmethod
    def _json_body(request: Request) -> dict[str, Any]:
        if not request.body.strip():
            return {}
        try:
            body = json.loads(request.body)
        except ValueError as error:
            raise SharingError(400, MALFORMED_REQUEST, f"invalid JSON body: {error}") from error
        if not isinstance(body, dict):
            raise SharingError(400, MALFORMED_REQUEST, "the request body must be a JSON object")
        return body

    @staticmethod
    def _capabilities(request: Request) -> tuple[set[str], set[str]]:
        """Requested response formats and reader features (the capabilities header)."""
        parsed: dict[str, set[str]] = {}
        for part in (request.header(CAPABILITIES_HEADER) or "").lower().split(";"):
            key, sep, value = part.partition("=")
            if sep:
                parsed[key.strip()] = {v.strip() for v in value.split(",") if v.strip()}
        requested = parsed.get("responseformat") or {"parquet"}
        formats = {name for name in requested if name in _FORMATS}
        if not formats:
            raise SharingError(
                400, INVALID_PARAMETER_VALUE, f"unsupported responseformat: {sorted(requested)}"
            )
        return formats, parsed.get("readerfeatures", set())

    @staticmethod
    def _choose_format(formats: set[str], snapshot: Snapshot) -> str:
        """One format -> it; both -> parquet when minReaderVersion is 1, else delta."""
        if len(formats) == 1:
            return next(iter(formats))
        return "parquet" if int(snapshot.protocol.get("minReaderVersion", 1)) == 1 else "delta"

    @staticmethod
    def _check_features(
        snapshot: Snapshot, response_format: str, features: set[str], actions: list[dict[str, Any]]
    ) -> None:
        """Refuse what the client cannot read, as the reference server does."""
        configuration = snapshot.metadata.get("configuration") or {}
        mode = str(configuration.get("delta.columnMapping.mode", "none")).lower()
        if mode != "none" and "columnmapping" not in features:
            raise SharingError(
                400,
                UNSUPPORTED_OPERATION,
                "the table uses column mapping, which the client "
                "does not support (responseformat=delta;readerfeatures=columnmapping)",
            )
        vectors = [a["deletionVector"] for a in actions if a.get("deletionVector")]
        if vectors and ("deletionvectors" not in features or response_format != "delta"):
            # A parquet-format reader cannot apply deletion vectors, whatever it announces.
            raise SharingError(400, UNSUPPORTED_OPERATION, "Deletion Vector property disabled")
        if any(dv.get("storageType") != "i" for dv in vectors):
            # The sandbox does not presign deletion-vector files (only inline vectors pass).
            raise SharingError(
                400, UNSUPPORTED_OPERATION, "deletion vectors stored in files are not served"
            )

    @staticmethod
    def _protocol_line(
        protocol: dict[str, Any], response_format: str, features: set[str]
    ) -> dict[str, Any]:
        if response_format == "delta":
            delta: dict[str, Any] = {
                "minReaderVersion": int(protocol.get("minReaderVersion", 1)),
                "minWriterVersion": int(protocol.get("minWriterVersion", 2)),
            }
            for key in ("readerFeatures", "writerFeatures"):
                if protocol.get(key):
                    delta[key] = list(protocol[key])
            return {"protocol": {"deltaProtocol": delta}}
        # The reference server answers a "fake" minReaderVersion 1 to a client that announces
        # no reader features (the parquet path), after checking the table is readable.
        reader = 1 if not features else int(protocol.get("minReaderVersion", 1))
        return {"protocol": {"minReaderVersion": reader}}

    @staticmethod
    def _metadata_line(
        metadata: dict[str, Any],
        response_format: str,
        version: int | None = None,
        size: int | None = None,
        num_files: int | None = None,
    ) -> dict[str, Any]:
        extra = {
            key: value
            for key, value in (("version", version), ("size", size), ("numFiles", num_files))
            if value is not None
        }
        if response_format == "delta":
            keys = (
                "id",
                "name",
                "description",
                "format",
                "schemaString",
                "partitionColumns",
                "configuration",
                "createdTime",
            )
            delta = {key: metadata[key] for key in keys if metadata.get(key) is not None}
            delta.setdefault("partitionColumns", [])
            delta.setdefault("configuration", {})
            # `version` on every delta metaData line (the CDF kernel path needs it).
            return {"metaData": {"deltaMetadata": delta, **extra}}
        # Parquet format as the reference server shapes it: provider only, schema with column
        # comments only, and of the configuration only the CDF flag (without "delta.").
        line: dict[str, Any] = {
            "id": metadata["id"],
            "format": {"provider": "parquet"},
            "schemaString": _clean_schema(metadata["schemaString"]),
            "partitionColumns": list(metadata.get("partitionColumns") or []),
            "configuration": {"enableChangeDataFeed": "true"} if _cdf_enabled(metadata) else {},
        }
        for key in ("name", "description"):
            if metadata.get(key) is not None:
                line[key] = metadata[key]
        line.update({key: value for key, value in extra.items() if key != "version"})
        return {"metaData": line}

    def _file_line(
        self,
        kind: str,
        action: dict[str, Any],
        response_format: str,
        host: str,
        schema: str,
        table: str,
        exp: int,
        version: int | None = None,
        timestamp: int | None = None,
        changes: bool = False,
    ) -> dict[str, Any]:
        """One file line; ``kind`` is the log action: ``add``, ``remove`` or ``cdc``.

        ``changes`` marks a CDF answer, whose parquet lines are named after the action.
        """
        raw_path = action["path"]
        if "://" in raw_path or raw_path.startswith(("/", "file:")):
            # The reference server refuses tables with absolute paths as well.
            raise SharingError(
                400, UNSUPPORTED_OPERATION, "a table containing absolute paths cannot be shared"
            )
        # Log paths are URL-encoded relative paths; the URL re-encodes the decoded path.
        url = self._file_url(host, schema, table, unquote(raw_path), exp)
        when = {
            key: value
            for key, value in (("version", version), ("timestamp", timestamp))
            if value is not None
        }
        if response_format == "delta":
            keep = (
                "partitionValues",
                "size",
                "modificationTime",
                "dataChange",
                "stats",
                "tags",
                "deletionVector",
                "baseRowId",
                "defaultRowCommitVersion",
                "deletionTimestamp",
                "extendedFileMetadata",
            )
            single = {"path": url, **{k: action[k] for k in keep if action.get(k) is not None}}
            single.setdefault("partitionValues", {})
            return {
                "file": {
                    "id": hashlib.sha256(raw_path.encode()).hexdigest(),
                    "expirationTimestamp": exp,
                    **when,
                    "deltaSingleAction": {kind: single},
                }
            }
        line: dict[str, Any] = {
            "url": url,
            "id": hashlib.md5(raw_path.encode()).hexdigest(),
            "partitionValues": action.get("partitionValues") or {},
            "size": int(action.get("size") or 0),
            "expirationTimestamp": exp,
            **when,
        }
        if kind == "add" and action.get("stats"):
            line["stats"] = action["stats"]
        if not changes:
            return {"file": line}
        # In a change feed add/remove keep their names, cdc files are `cdf` lines.
        return {"cdf" if kind == "cdc" else kind: line}

    @staticmethod
    def _table_headers(version: int, response_format: str) -> dict[str, str]:
        # Delta-Table-Version is mandatory; the reference server echoes the format.
        return {
            TABLE_VERSION_HEADER: str(version),
            CAPABILITIES_HEADER: f"responseformat={response_format}",
        }

    # -- file serving ---------------------------------------------------------------------------

    def _public_host(self, request: Request) -> str:
        """host:port for file URLs: the one the client reached us at."""
        return request.header("host") or f"{self._host}:{self.port}"

    def _expiration(self) -> int:
        return int(time.time() * 1000) + self.url_ttl_seconds * 1000

    def _signature(self, schema: str, table: str, path: str, exp: int) -> str:
        message = "\n".join((self.share, schema, table, path, str(exp))).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _file_url(self, host: str, schema: str, table: str, path: str, exp: int) -> str:
        """A "presigned" URL for a file of a table; ``path`` is decoded and relative."""
        segments = "/".join(quote(part, safe="") for part in (self.share, schema, table))
        signature = self._signature(schema, table, path, exp)
        return (
            f"http://{host}/files/{segments}/{quote(path, safe='/')}"
            f"?exp={exp}&{SIGNATURE_PARAMETER}={signature}"
        )

    def _serve_file(
        self, request: Request, share: str, schema: str, table: str, path: str
    ) -> _Response:
        """A data file by presigned URL: 403 when the URL is tampered with or expired."""
        exp = request.param("exp") or ""
        signature = request.param(SIGNATURE_PARAMETER) or ""
        if share != self.share or not exp.isdigit():
            raise SharingError(403, PERMISSION_DENIED, "invalid file URL")
        expected = self._signature(schema, table, path, int(exp))
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            raise SharingError(403, PERMISSION_DENIED, "the request signature does not match")
        if int(time.time() * 1000) >= int(exp):
            raise SharingError(403, PERMISSION_DENIED, "the file URL has expired")
        if not (_NAME.match(schema) and _NAME.match(table)):
            raise SharingError(403, PERMISSION_DENIED, "invalid file URL")
        table_root = (self.root / schema / table).resolve()
        target = (table_root / path).resolve()
        if not target.is_relative_to(table_root) or not target.is_file():
            raise SharingError(404, RESOURCE_DOES_NOT_EXIST, "no such file")
        size = target.stat().st_size
        headers = {"Accept-Ranges": "bytes"}
        try:
            window = self._range(request.header("range"), size)
        except _RangeNotSatisfiable:
            response = self._error(_RangeNotSatisfiable(size))
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        if window is None:
            return _Response(
                200,
                headers=headers,
                content_type="application/octet-stream",
                file=(target, 0, size),
            )
        first, last = window
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        return _Response(
            206,
            headers=headers,
            content_type="application/octet-stream",
            file=(target, first, last - first + 1),
        )

    @staticmethod
    def _range(header: str | None, size: int) -> tuple[int, int] | None:
        """The byte window of a single ``Range`` (RFC 9110); None serves the whole file.

        Malformed or multi-range headers are ignored (allowed by RFC 9110); an unsatisfiable
        range answers 416.
        """
        if not header:
            return None
        match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
        if match is None or match.group(1) == match.group(2) == "":
            return None
        start_text, end_text = match.groups()
        if start_text == "":
            length = int(end_text)
            if length == 0 or size == 0:
                raise _RangeNotSatisfiable(size)
            return max(size - length, 0), size - 1
        first = int(start_text)
        last = size - 1 if end_text == "" else min(int(end_text), size - 1)
        if first >= size or (end_text != "" and int(end_text) < first):
            raise _RangeNotSatisfiable(size)
        return first, last


class _Handler(SandboxRequestHandler):
    """Turns raw HTTP into ``Request`` objects for the server and writes its responses."""

    app: DeltaSharingServer
    server_version = "DeltaSharingSandbox/1.0"

    def _dispatch(self) -> None:
        request = self.read_request()
        try:
            response = self.app.handle(request)
        except Exception as error:  # a bug must still answer like a server
            self.log_error("delta sharing sandbox error: %r", error)
            response = _json({"errorCode": INTERNAL_ERROR, "message": repr(error)}, 500)
        try:
            self._write(response)
        except (BrokenPipeError, ConnectionResetError):
            # fsspec opens a whole-file GET and drops it once it has the headers.
            self.close_connection = True

    def _write(self, response: _Response) -> None:
        length = response.file[2] if response.file is not None else len(response.body)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.file is None:
            self.wfile.write(response.body)
            return
        path, offset, remaining = response.file
        with path.open("rb") as handle:
            handle.seek(offset)
            while remaining > 0:
                chunk = handle.read(min(_FILE_CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)


# The handler class is defined after the server class that it serves.
DeltaSharingServer.handler = _Handler
