"""Machine-readable descriptions of the documented Procore resources, one file per resource.

Each ``<resource>.json`` is a JSON Schema (draft 2020-12) of one record as the list endpoint
serves it, written from Procore's OpenAPI reference, plus an ``x-endpoint`` block saying
where and how it is served (docs/procore-api.md#the-lists-we-read):

- ``path``: the official path, with ``{placeholders}`` for path parameters;
- ``scope``: ``company``, ``project`` or ``parent`` (records of one parent record);
- ``parent``: for ``parent`` scope, ``{"resource": ..., "path_param": ...}``;
- ``required_params``: query parameters the endpoint requires (400 without them);
- ``paginated``: whether ``page``/``per_page`` apply;
- ``filters``: the ``filters[...]`` names honoured, e.g. ``updated_at``, ``id``,
  ``include_deleted``;
- ``sort``: ``null``, or ``{"style": "sort" | "sort[attribute]", "fields": [...]}``;
- ``envelope``: ``array`` (a bare JSON array, the v1 default) or another documented shape;
- ``aliases`` (optional): other official paths serving the same shape, such as a resource's
  v1.0 path where the reference gives it the same shape as v1.1.

The contract test walks every served resource and checks each record's field names and JSON
types against its file, so the sandbox cannot drift from the documented shapes unnoticed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTRACTS_DIR = Path(__file__).resolve().parent


@cache
def load_contract(resource: str) -> dict[str, Any]:
    """The contract of one resource, by file name without ``.json``."""
    return json.loads((CONTRACTS_DIR / f"{resource}.json").read_text())


def contract_names() -> list[str]:
    """Every resource that has a contract, sorted."""
    return sorted(path.stem for path in CONTRACTS_DIR.glob("*.json"))
