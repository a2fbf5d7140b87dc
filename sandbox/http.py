"""Request parsing and response helpers shared by the sandbox's endpoints.

Kept apart from the routes so the Procore-specific rules (filters, pagination, errors) read
without HTTP plumbing in the way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class HttpError(Exception):
    """An error answered to the client with a status, a JSON body and optional headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes = b""
    path_params: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        return self.headers.get(name.lower())

    def param(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        values = self.params(name)
        return values[-1] if values else None

    def params(self, name: str) -> list[str]:
        """Every value of a query parameter, in order."""
        return [value for key, value in self.query if key == name]

    def form(self) -> dict[str, str]:
        """The body's fields, whether sent as a form, as multipart or as JSON."""
        content_type = (self.header("content-type") or "").lower()
        if content_type.startswith("application/json"):
            try:
                parsed = json.loads(self.body or b"{}")
            except ValueError as error:
                raise HttpError(
                    400, {"error": "invalid_request", "error_description": str(error)}
                ) from error
            if not isinstance(parsed, dict):
                raise HttpError(400, {"error": "invalid_request"})
            return {str(key): str(value) for key, value in parsed.items()}
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + self.body
            )
            fields = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name:
                    fields[str(name)] = part.get_payload(decode=True).decode()
            return fields
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Response:
    """A response ready to be written: status, headers and body bytes."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Serialise ``payload`` as Procore does: compact JSON, UTF-8."""
    return Response(status=status, body=orjson.dumps(payload), headers=dict(headers or {}))


def query_string(pairs: list[tuple[str, str]]) -> str:
    """Encode query pairs in order, keeping brackets readable as Procore's links do."""
    return urlencode(pairs, safe="[]:,")
