"""The Delta Sharing discovery endpoints: shares, schemas and tables, listed page by page.

Schemas and tables are read from disk on every request (``<root>/<schema>/<table>/``, each
a Delta table), so tables written after the server started are listed at once.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from pathlib import Path
from typing import Any

from ..http import Request
from .deltalog import is_delta_table
from .parsing import lookup, parse_int
from .protocol import (
    INVALID_PARAMETER_VALUE,
    MAX_RESULTS_LIMIT,
    RESOURCE_DOES_NOT_EXIST,
    SHAREABLE_NAME,
    ShareResponse,
    SharingError,
    json_response,
)


class ShareDiscovery:
    """The list endpoints of the server, and resolving the names a request gives.

    A mixin of ``DeltaSharingServer``, which sets the attributes below.
    """

    root: Path
    share: str
    share_id: str
    max_results_default: int

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
            if SHAREABLE_NAME.match(name) and is_delta_table(self.root / schema / name)
        )

    def _tables_by_schema(self) -> dict[str, list[str]]:
        """Schema -> tables, both sorted; read from disk on every call (tables may appear)."""
        try:
            entries = sorted(os.listdir(self.root))
        except OSError:
            return {}
        by_schema = {}
        for name in entries:
            if SHAREABLE_NAME.match(name) and (self.root / name).is_dir():
                tables = self._table_names(name)
                if tables:  # a schema exists in a share only through its tables
                    by_schema[name] = tables
        return by_schema

    def _resolve_schema(self, share: str, schema: str) -> tuple[str, list[str]]:
        self._check_share(share)
        by_schema = self._tables_by_schema()
        name = lookup(list(by_schema), schema)
        if name is None:
            raise SharingError(
                404, RESOURCE_DOES_NOT_EXIST, f"schema '{share}.{schema}' does not exist"
            )
        return name, by_schema[name]

    def _resolve_table(self, share: str, schema: str, table: str) -> tuple[str, str, Path]:
        schema_name, tables = self._resolve_schema(share, schema)
        name = lookup(tables, table)
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

    def _page(
        self, request: Request, scope: str, items: list[tuple[list[str], dict]]
    ) -> ShareResponse:
        """One page of ``items`` (sort key, item), with an opaque ``nextPageToken``.

        The token names the last key served, so tables appearing between pages neither repeat
        nor shift earlier items (the token is opaque to the client).
        """
        raw = request.param("maxResults")
        size = self.max_results_default if raw is None else parse_int(raw, "maxResults")
        size = min(size or self.max_results_default, MAX_RESULTS_LIMIT)
        items = sorted(items, key=lambda pair: pair[0])
        token = request.param("pageToken")
        if token:
            after = _decode_token(token, scope)
            items = [pair for pair in items if pair[0] > after]
        page = items[:size]
        body: dict[str, Any] = {"items": [item for _, item in page]}
        if len(items) > size:
            body["nextPageToken"] = _encode_token(scope, page[-1][0])
        return json_response(body)

    # -- list endpoints ------------------------------------------------------------------------

    def _list_shares(self, request: Request) -> ShareResponse:
        item = {"name": self.share, "id": self.share_id}
        return self._page(request, "shares", [([self.share], item)])

    def _get_share(self, request: Request, share: str) -> ShareResponse:
        self._check_share(share)
        return json_response({"share": {"name": self.share, "id": self.share_id}})

    def _list_schemas(self, request: Request, share: str) -> ShareResponse:
        self._check_share(share)
        items = [([name], {"name": name, "share": self.share}) for name in self._tables_by_schema()]
        return self._page(request, f"schemas:{self.share}", items)

    def _list_tables(self, request: Request, share: str, schema: str) -> ShareResponse:
        schema_name, tables = self._resolve_schema(share, schema)
        items = [([name], self._table_item(schema_name, name)) for name in tables]
        return self._page(request, f"tables:{self.share}.{schema_name}", items)

    def _list_all_tables(self, request: Request, share: str) -> ShareResponse:
        self._check_share(share)
        items = [
            ([schema, name], self._table_item(schema, name))
            for schema, tables in self._tables_by_schema().items()
            for name in tables
        ]
        return self._page(request, f"all-tables:{self.share}", items)


def _encode_token(scope: str, after: list[str]) -> str:
    raw = json.dumps({"scope": scope, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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
