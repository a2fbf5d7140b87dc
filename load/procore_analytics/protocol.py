"""A client of the Delta Sharing REST protocol, the way Procore Analytics serves its data.

Only what the loader needs: list shares and tables, a table's version, a snapshot query, the
change data feed, and downloads of the presigned data file URLs those calls return. Answers
are asked for in the "parquet" response format (no capabilities header), which every
Delta Sharing server speaks.

Every failure ends in a ``ProcoreAnalyticsError`` whose message is one line; the bearer token
is never part of one. Connection failures, 429 and 5xx are retried a few times.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from .errors import (
    EndpointUnreachable,
    FileURLExpired,
    ProcoreAnalyticsError,
    SharingServerError,
    TokenError,
)
from .profile import NEW_TOKEN_STEPS, ShareProfile
from .settings import (
    BACKOFF_SECONDS,
    CONNECT_TIMEOUT_SECONDS,
    DOWNLOAD_CHUNK_BYTES,
    MAX_ATTEMPTS,
    READ_TIMEOUT_SECONDS,
)

TABLE_VERSION_HEADER = "Delta-Table-Version"
USER_AGENT = "procore-warehouse (Delta Sharing protocol client)"
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class TableRef:
    """One shared table: ``share.schema.name``."""

    share: str
    schema: str
    name: str

    @property
    def qualified(self) -> str:
        """``schema.table``, how settings and messages name a table."""
        return f"{self.schema}.{self.name}"

    def path(self) -> str:
        """The table's path under the endpoint."""
        parts = (quote(part, safe="") for part in (self.share, self.schema, self.name))
        share, schema, name = parts
        return f"/shares/{share}/schemas/{schema}/tables/{name}"


@dataclass(frozen=True)
class TableMetadata:
    """A table's ``metaData`` line: id, Spark schema string, partitioning, properties."""

    id: str
    schema_string: str
    partition_columns: tuple[str, ...]
    configuration: dict[str, str]

    @property
    def change_data_feed(self) -> bool:
        """Whether the table records its change data feed.

        The parquet response format names the property without its ``delta.`` prefix.
        """
        for name in ("delta.enableChangeDataFeed", "enableChangeDataFeed"):
            if str(self.configuration.get(name, "")).lower() == "true":
                return True
        return False

    @classmethod
    def parse(cls, line: dict[str, Any]) -> TableMetadata:
        """From the JSON of a ``metaData`` line (parquet response format)."""
        if "deltaMetadata" in line:
            raise ProcoreAnalyticsError(
                "The sharing server answered in the delta response format, which this loader "
                "does not read; it asks for the parquet format."
            )
        return cls(
            id=str(line.get("id", "")),
            schema_string=line["schemaString"],
            partition_columns=tuple(line.get("partitionColumns") or ()),
            configuration={str(k): str(v) for k, v in (line.get("configuration") or {}).items()},
        )


@dataclass(frozen=True)
class DataFile:
    """One data file of a query or change answer.

    Attributes:
        id: The file's id, stable across queries of the same table version.
        url: Its presigned URL.
        kind: ``file`` (a snapshot), or in a change answer ``add``, ``remove`` or ``cdf``.
        partition_values: Partition column -> value as a string (None for null).
        expires_at: When the URL expires, epoch milliseconds, if the server says.
        version: The table version the change belongs to (change answers).
    """

    id: str
    url: str
    kind: str
    partition_values: dict[str, str | None]
    size: int
    expires_at: int | None = None
    version: int | None = None

    @classmethod
    def parse(cls, kind: str, line: dict[str, Any]) -> DataFile:
        """From the JSON of a ``file``/``add``/``remove``/``cdf`` line."""
        if "deltaSingleAction" in line:
            raise ProcoreAnalyticsError(
                "The sharing server answered in the delta response format, which this loader "
                "does not read; it asks for the parquet format."
            )
        expires = line.get("expirationTimestamp")
        version = line.get("version")
        return cls(
            id=str(line["id"]),
            url=line["url"],
            kind=kind,
            partition_values=dict(line.get("partitionValues") or {}),
            size=int(line.get("size") or 0),
            expires_at=None if expires is None else int(expires),
            version=None if version is None else int(version),
        )


@dataclass(frozen=True)
class TableFiles:
    """A query or change answer: the table version, its metadata, and its files."""

    version: int
    metadata: TableMetadata
    files: list[DataFile]


@dataclass
class RequestStats:
    """Calls made to the sharing server, by kind, and what went wrong on the way."""

    calls: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    url_renewals: int = 0

    @property
    def requests(self) -> int:
        """Every request sent, file downloads included."""
        return sum(self.calls.values())


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _server_message(response: requests.Response) -> str:
    """The server's ``message`` (Delta Sharing error JSON), or the start of the body."""
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("message"):
            code = body.get("errorCode")
            return _one_line(f"{code}: {body['message']}" if code else str(body["message"]))
    except ValueError:
        pass
    return _one_line(response.text or response.reason or "")


def _error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("errorCode") or "") if isinstance(body, dict) else ""


class SharingClient:
    """Calls to one Delta Sharing server with one bearer token.

    Args:
        profile: Endpoint, token and share.
        stats: Counts every call; shared with the run's report.
        sleep: How retries wait (``time.sleep``; tests may pass a no-op).
    """

    def __init__(
        self,
        profile: ShareProfile,
        stats: RequestStats | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.profile = profile
        self.stats = stats if stats is not None else RequestStats()
        self._sleep = sleep
        self._share = profile.share
        # Data files are downloaded on several threads: each gets its own session (requests
        # does not promise a shared one is thread-safe), and the call counts take a lock.
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @property
    def _session(self) -> requests.Session:
        """The calling thread's session, made on first use."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            with self._lock:
                self._sessions.append(session)
        return session

    def count(self, kind: str | None = None, retry: bool = False, renewal: bool = False) -> None:
        """Count a call of ``kind``, a retry or a URL renewal (from any thread)."""
        with self._lock:
            if kind is not None:
                self.stats.calls[kind] += 1
            if retry:
                self.stats.retries += 1
            if renewal:
                self.stats.url_renewals += 1

    def close(self) -> None:
        """Close the pooled connections of every thread's session."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    # -- transport ---------------------------------------------------------------------------

    def _send(
        self,
        kind: str,
        method: str,
        url: str,
        *,
        authenticated: bool = True,
        **options: Any,
    ) -> requests.Response:
        """One request, retried on connection failures, 429 and 5xx."""
        headers = dict(options.pop("headers", {}) or {})
        if authenticated:
            headers["Authorization"] = f"Bearer {self.profile.bearer_token}"
        wait = BACKOFF_SECONDS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.count(kind)
            try:
                response = self._session.request(
                    method,
                    url,
                    headers=headers,
                    timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                    **options,
                )
            except requests.RequestException as error:
                if attempt == MAX_ATTEMPTS:
                    raise self._unreachable(error) from None
            else:
                if response.status_code not in RETRIED_STATUSES or attempt == MAX_ATTEMPTS:
                    return response
                response.close()
            self.count(retry=True)
            self._sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")  # the loop returns or raises

    def _unreachable(self, error: requests.RequestException) -> EndpointUnreachable:
        reason = type(error).__name__
        if isinstance(error, requests.ConnectionError):
            text = str(error)
            for known in ("Connection refused", "Name or service not known", "timed out"):
                if known in text:
                    reason = known
        return EndpointUnreachable(
            f"Cannot reach the Procore Analytics endpoint {self.profile.endpoint} ({reason}, "
            f"{MAX_ATTEMPTS} attempts): check the endpoint of {self.profile.origin}, and the "
            "network or proxy settings (HTTPS_PROXY, NO_PROXY)."
        )

    def _call(
        self, kind: str, method: str, path: str, what: str, **options: Any
    ) -> requests.Response:
        """An API call; any error status raises, described for ``what`` was asked."""
        response = self._send(kind, method, self.profile.endpoint + path, **options)
        if response.status_code == 401:
            raise self._refused(response)
        if response.status_code >= 400:
            raise SharingServerError(
                f"The Procore Analytics sharing server answered HTTP {response.status_code} "
                f"to {what} ({_server_message(response)}).",
                response.status_code,
                _error_code(response),
            )
        return response

    def _refused(self, response: requests.Response) -> TokenError:
        profile = self.profile
        message = _server_message(response)
        now = datetime.now(UTC)
        if profile.expiration_time is not None and profile.expiration_time <= now:
            try:
                profile.check_not_expired(now)
            except TokenError as expired:
                return expired
        if "expired" in message.lower():
            return TokenError(
                f"The Procore Analytics sharing server says the token of {profile.origin} has "
                f"expired (HTTP 401: {message}): {NEW_TOKEN_STEPS}, then put it in "
                f"{profile.token_setting}."
            )
        return TokenError(
            f"The Procore Analytics sharing server refused the bearer token of "
            f"{profile.origin} (HTTP 401: {message}): it is wrong, revoked or expired; check "
            f"that it was copied whole, or {NEW_TOKEN_STEPS}, then put it in "
            f"{profile.token_setting}."
        )

    @staticmethod
    def _lines(response: requests.Response) -> Iterator[dict[str, Any]]:
        """The records of an NDJSON answer, one JSON object per line."""
        for raw in response.content.splitlines():
            if raw.strip():
                yield json.loads(raw)

    @staticmethod
    def _version(response: requests.Response, what: str) -> int:
        value = response.headers.get(TABLE_VERSION_HEADER)
        if value is None or not value.strip().isdigit():
            raise ProcoreAnalyticsError(
                f"The sharing server sent no {TABLE_VERSION_HEADER} header with {what}; it does "
                "not speak the Delta Sharing protocol as expected."
            )
        return int(value)

    def _pages(self, path: str, what: str) -> Iterator[dict[str, Any]]:
        """The items of a paginated list call."""
        token: str | None = None
        while True:
            params = {"pageToken": token} if token else None
            body = self._call("list", "GET", path, what, params=params).json()
            yield from body.get("items") or ()
            token = body.get("nextPageToken")
            if not token:
                return

    # -- discovery ---------------------------------------------------------------------------

    def list_shares(self) -> list[str]:
        """Every share the token can read."""
        return [item["name"] for item in self._pages("/shares", "the list of shares")]

    @property
    def share(self) -> str:
        """The share to read: the configured one, else the token's only share."""
        if self._share is None:
            shares = self.list_shares()
            if len(shares) != 1:
                listed = ", ".join(shares) or "none"
                raise ProcoreAnalyticsError(
                    f"The token of {self.profile.origin} can read {len(shares)} shares "
                    f"({listed}): set sources.procore_analytics.share to the share name "
                    "Procore Analytics showed you."
                )
            self._share = shares[0]
        return self._share

    def list_tables(self) -> list[TableRef]:
        """Every table of the share, in the server's order (by schema, then name)."""
        share = self.share
        encoded = quote(share, safe="")
        try:
            items = list(self._pages(f"/shares/{encoded}/all-tables", f"share {share}"))
        except SharingServerError as error:
            if error.status != 404:
                raise
            items = self._tables_schema_by_schema(share)
        return [TableRef(share, item["schema"], item["name"]) for item in items]

    def _tables_schema_by_schema(self, share: str) -> list[dict[str, Any]]:
        """The tables of a share through its schemas (servers without ``all-tables``)."""
        encoded = quote(share, safe="")
        try:
            schemas = [s["name"] for s in self._pages(f"/shares/{encoded}/schemas", share)]
        except SharingServerError as error:
            if error.status != 404:
                raise
            shares = ", ".join(self.list_shares()) or "none"
            raise ProcoreAnalyticsError(
                f"Share {share} does not exist for the token of {self.profile.origin} (it can "
                f"read: {shares}): correct sources.procore_analytics.share."
            ) from None
        items = []
        for schema in schemas:
            path = f"/shares/{encoded}/schemas/{quote(schema, safe='')}/tables"
            items += list(self._pages(path, f"schema {share}.{schema}"))
        return items

    # -- tables ------------------------------------------------------------------------------

    def table_version(self, table: TableRef) -> int:
        """The table's latest version: one call, nothing else read."""
        what = f"the version of {table.qualified}"
        return self._version(self._call("version", "GET", f"{table.path()}/version", what), what)

    def table_metadata(self, table: TableRef) -> TableFiles:
        """The table's version and metadata (no files)."""
        what = f"the metadata of {table.qualified}"
        response = self._call("metadata", "GET", f"{table.path()}/metadata", what)
        version = self._version(response, what)
        metadata = next(
            (
                TableMetadata.parse(line["metaData"])
                for line in self._lines(response)
                if "metaData" in line
            ),
            None,
        )
        if metadata is None:
            raise ProcoreAnalyticsError(f"The sharing server sent no metaData for {what}.")
        return TableFiles(version, metadata, [])

    def query(self, table: TableRef, version: int | None = None) -> TableFiles:
        """The files of a snapshot: the latest one, or ``version``."""
        what = f"a query of {table.qualified}"
        body: dict[str, Any] = {} if version is None else {"version": version}
        response = self._call("query", "POST", f"{table.path()}/query", what, json=body)
        return self._table_files(response, what, ("file",))

    def changes(self, table: TableRef, starting_version: int, ending_version: int) -> TableFiles:
        """The change data feed between two versions (both included)."""
        what = f"the changes of {table.qualified} since version {starting_version}"
        params = {"startingVersion": starting_version, "endingVersion": ending_version}
        response = self._call("changes", "GET", f"{table.path()}/changes", what, params=params)
        files = self._table_files(response, what, ("add", "remove", "cdf"))
        # The answer's header names the starting version; the end is what was asked for.
        return TableFiles(ending_version, files.metadata, files.files)

    def _table_files(
        self, response: requests.Response, what: str, kinds: tuple[str, ...]
    ) -> TableFiles:
        version = self._version(response, what)
        metadata: TableMetadata | None = None
        files = []
        for line in self._lines(response):
            if "metaData" in line:
                metadata = TableMetadata.parse(line["metaData"])
                continue
            for kind in kinds:
                if kind in line:
                    files.append(DataFile.parse(kind, line[kind]))
        if metadata is None:
            raise ProcoreAnalyticsError(f"The sharing server sent no metaData with {what}.")
        return TableFiles(version, metadata, files)

    # -- data files --------------------------------------------------------------------------

    def download(self, file: DataFile, target: Path, table: TableRef) -> None:
        """Write one data file to ``target``, in chunks.

        The URL is presigned: no bearer token goes with it (storage refuses a request that
        carries both). A 403 means it expired (``FileURLExpired``): query the table again for
        a fresh URL.
        """
        response = self._send("file", "GET", file.url, authenticated=False, stream=True)
        with response:
            if response.status_code == 403:
                raise FileURLExpired(
                    f"The URL of a data file of {table.qualified} was refused (HTTP 403: "
                    f"{_server_message(response)})."
                )
            if response.status_code >= 400:
                raise SharingServerError(
                    f"Downloading a data file of {table.qualified} failed (HTTP "
                    f"{response.status_code}: {_server_message(response)}).",
                    response.status_code,
                )
            written = 0
            try:
                with target.open("wb") as handle:
                    for chunk in response.iter_content(DOWNLOAD_CHUNK_BYTES):
                        handle.write(chunk)
                        written += len(chunk)
            except requests.RequestException as error:
                raise EndpointUnreachable(
                    f"Downloading a data file of {table.qualified} broke off "
                    f"({type(error).__name__}) after {written} bytes: run the load again."
                ) from None
        if file.size and written != file.size:
            raise ProcoreAnalyticsError(
                f"A data file of {table.qualified} arrived with {written} of its {file.size} "
                "bytes: run the load again."
            )
