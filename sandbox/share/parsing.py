"""Reading a Delta Sharing request: parameters, body, capabilities and ranges, validated.

Each reader answers a malformed value with the ``SharingError`` the reference server
would give, so the endpoints only ever see values they can use.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from ..http import Request
from .deltalog import Snapshot
from .protocol import (
    CAPABILITIES_HEADER,
    INVALID_PARAMETER_VALUE,
    MALFORMED_REQUEST,
    RESPONSE_FORMATS,
    UNSUPPORTED_OPERATION,
    SharingError,
    millis,
)


class RangeNotSatisfiable(SharingError):
    """A ``Range`` outside the file: answered 416 with the file's size."""

    def __init__(self, size: int) -> None:
        super().__init__(416, INVALID_PARAMETER_VALUE, "the requested range is not satisfiable")
        self.size = size


def parse_timestamp(value: str, name: str) -> int:
    """ISO 8601 (``2022-01-01T00:00:00Z``, as the protocol writes it) as epoch ms; naive is UTC.

    The reference server also takes ``yyyy-mm-dd hh:mm:ss[.f]``, which ``fromisoformat`` reads.
    """
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"Invalid {name}: {value}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return millis(moment)


def parse_int(value: Any, name: str, minimum: int = 0) -> int:
    """A whole-number parameter at least ``minimum``; booleans are not numbers here."""
    if isinstance(value, bool):
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be an integer")
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be an integer") from error
    if number < minimum:
        raise SharingError(400, INVALID_PARAMETER_VALUE, f"{name} must be >= {minimum}")
    return number


def lookup(names: list[str], wanted: str) -> str | None:
    """Names are case-insensitive; an exact match wins over a case-folded one."""
    if wanted in names:
        return wanted
    folded = wanted.lower()
    return next((name for name in names if name.lower() == folded), None)


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body; an empty body is an empty object."""
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise SharingError(400, MALFORMED_REQUEST, f"invalid JSON body: {error}") from error
    if not isinstance(body, dict):
        raise SharingError(400, MALFORMED_REQUEST, "the request body must be a JSON object")
    return body


def capabilities(request: Request) -> tuple[set[str], set[str]]:
    """Requested response formats and reader features (the capabilities header)."""
    parsed: dict[str, set[str]] = {}
    for part in (request.header(CAPABILITIES_HEADER) or "").lower().split(";"):
        key, sep, value = part.partition("=")
        if sep:
            parsed[key.strip()] = {v.strip() for v in value.split(",") if v.strip()}
    requested = parsed.get("responseformat") or {"parquet"}
    formats = {name for name in requested if name in RESPONSE_FORMATS}
    if not formats:
        raise SharingError(
            400, INVALID_PARAMETER_VALUE, f"unsupported responseformat: {sorted(requested)}"
        )
    return formats, parsed.get("readerfeatures", set())


def choose_format(formats: set[str], snapshot: Snapshot) -> str:
    """One format -> it; both -> parquet when minReaderVersion is 1, else delta."""
    if len(formats) == 1:
        return next(iter(formats))
    return "parquet" if int(snapshot.protocol.get("minReaderVersion", 1)) == 1 else "delta"


def check_features(
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


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
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
            raise RangeNotSatisfiable(size)
        return max(size - length, 0), size - 1
    first = int(start_text)
    last = size - 1 if end_text == "" else min(int(end_text), size - 1)
    if first >= size or (end_text != "" and int(end_text) < first):
        raise RangeNotSatisfiable(size)
    return first, last
