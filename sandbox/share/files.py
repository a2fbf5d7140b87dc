"""Data files by "presigned" URL: the URLs file lines carry, and the files they lead to.

A URL names the file and carries an expiry (``exp``, epoch ms) and an HMAC of both under
``X-Amz-Signature`` (delta-kernel-rs only fetches http URLs whose query carries a known
signature parameter). Files authenticate by that signature alone, as presigned cloud URLs
do; answers honour ``HEAD`` and ``Range`` (the parquet path reads files over 5 MB in ranges).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from ..http import Request
from .parsing import RangeNotSatisfiable, byte_range
from .protocol import (
    PERMISSION_DENIED,
    RESOURCE_DOES_NOT_EXIST,
    SHAREABLE_NAME,
    SIGNATURE_PARAMETER,
    UNSUPPORTED_OPERATION,
    ShareResponse,
    SharingError,
    error_response,
)


class FileServing:
    """File lines with presigned URLs, and serving the files; a mixin of ``DeltaSharingServer``.

    The server sets the attributes below; ``port`` is its listening port.
    """

    root: Path
    share: str
    url_ttl_seconds: int
    _host: str
    _secret: bytes
    port: int

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
    ) -> ShareResponse:
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
        if not (SHAREABLE_NAME.match(schema) and SHAREABLE_NAME.match(table)):
            raise SharingError(403, PERMISSION_DENIED, "invalid file URL")
        table_root = (self.root / schema / table).resolve()
        target = (table_root / path).resolve()
        if not target.is_relative_to(table_root) or not target.is_file():
            raise SharingError(404, RESOURCE_DOES_NOT_EXIST, "no such file")
        size = target.stat().st_size
        headers = {"Accept-Ranges": "bytes"}
        try:
            window = byte_range(request.header("range"), size)
        except RangeNotSatisfiable:
            response = error_response(RangeNotSatisfiable(size))
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        if window is None:
            return ShareResponse(
                200,
                headers=headers,
                content_type="application/octet-stream",
                file=(target, 0, size),
            )
        first, last = window
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        return ShareResponse(
            206,
            headers=headers,
            content_type="application/octet-stream",
            file=(target, first, last - first + 1),
        )
