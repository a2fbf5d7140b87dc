"""The Delta Sharing protocol's vocabulary: headers, error codes, answers and their lines.

Everything here is what a response of the sharing server is made of, independent of where
the tables live: the error every failure becomes, JSON and NDJSON bodies, and the
``protocol``/``metaData`` lines of metadata, query and changes answers, shaped as the
reference server shapes them for each response format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
    "ShareResponse",
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
SHAREABLE_NAME = re.compile(r"^[^._][^./\s\x00-\x1f\x7f]*$")
RESPONSE_FORMATS = ("parquet", "delta")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SharingError(Exception):
    """An error answered as ``{"errorCode": ..., "message": ...}`` with an HTTP status."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(f"{status} {error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message


@dataclass
class ShareResponse:
    """One answer of the sharing server, before the HTTP handler writes it."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON_CONTENT_TYPE
    # A slice of a data file, streamed instead of `body`: (path, first byte, length).
    file: tuple[Path, int, int] | None = None


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> ShareResponse:
    """Compact JSON: the client reads each record as one line."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return ShareResponse(status, body, dict(headers or {}))


def ndjson_response(lines: list[dict[str, Any]], headers: dict[str, str]) -> ShareResponse:
    """One compact JSON record per line, no blank lines (the client reads line by line)."""
    body = b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)
    return ShareResponse(200, body, headers, NDJSON_CONTENT_TYPE)


def error_response(error: SharingError) -> ShareResponse:
    """The JSON answer of a ``SharingError``."""
    return json_response({"errorCode": error.error_code, "message": error.message}, error.status)


def millis(moment: datetime) -> int:
    """An aware datetime as epoch milliseconds, the protocol's timestamps."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def num_records(action: dict[str, Any]) -> int:
    """``stats.numRecords`` of an add action, 0 when unknown (as the reference server counts)."""
    try:
        return int(json.loads(action.get("stats") or "{}").get("numRecords", 0))
    except (TypeError, ValueError, AttributeError):
        return 0


def cdf_enabled(metadata: dict[str, Any]) -> bool:
    """Whether a table's metadata turns its change data feed on."""
    configuration = metadata.get("configuration") or {}
    return str(configuration.get("delta.enableChangeDataFeed", "false")).lower() == "true"


def clean_schema(schema_string: str) -> str:
    """The reference server keeps only column comments in a parquet-format schemaString."""
    try:
        schema = json.loads(schema_string)
        for column in schema.get("fields", []):
            comment = (column.get("metadata") or {}).get("comment")
            column["metadata"] = {"comment": comment} if comment is not None else {}
    except (ValueError, AttributeError, TypeError):
        return schema_string
    return json.dumps(schema, separators=(",", ":"))


def protocol_line(
    protocol: dict[str, Any], response_format: str, features: set[str]
) -> dict[str, Any]:
    """The ``protocol`` line of an answer, in the response format."""
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


def metadata_line(
    metadata: dict[str, Any],
    response_format: str,
    version: int | None = None,
    size: int | None = None,
    num_files: int | None = None,
) -> dict[str, Any]:
    """The ``metaData`` line of an answer, in the response format."""
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
        "schemaString": clean_schema(metadata["schemaString"]),
        "partitionColumns": list(metadata.get("partitionColumns") or []),
        "configuration": {"enableChangeDataFeed": "true"} if cdf_enabled(metadata) else {},
    }
    for key in ("name", "description"):
        if metadata.get(key) is not None:
            line[key] = metadata[key]
    line.update({key: value for key, value in extra.items() if key != "version"})
    return {"metaData": line}


def table_headers(version: int, response_format: str) -> dict[str, str]:
    """The headers of a table answer: its version and the format it is in."""
    # Delta-Table-Version is mandatory; the reference server echoes the format.
    return {
        TABLE_VERSION_HEADER: str(version),
        CAPABILITIES_HEADER: f"responseformat={response_format}",
    }
