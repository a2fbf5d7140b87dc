"""Best-effort file skipping with ``jsonPredicateHints`` (Delta Sharing PROTOCOL.md).

A server may ignore hints, but the 1.4.2 client does not re-apply them either
(docs/procore-analytics.md, "The sharing server"), so whatever a server skips is gone for
the caller. This module skips a file only when the hint is certainly false for every row of
it, which it can know only from the file's partition values: comparisons (``equal``,
``lessThan``, ``lessThanOrEqual``, ``greaterThan``, ``greaterThanOrEqual``), ``isNull``,
``and``, ``or`` and ``not`` over partition columns and literals. Anything about a data column
is "unknown" and keeps the file; a hint that does not parse is ignored as a whole, as the
reference server does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

__all__ = ["FilePredicate", "parse_json_predicate"]

FilePredicate = Callable[[dict[str, str | None]], bool]

# The reference server refuses deeper trees; so do we (it then ignores the hint).
_MAX_DEPTH = 100


class _Unknown:
    """A value the server cannot know from partition values alone."""


UNKNOWN = _Unknown()
LEAVES = frozenset({"column", "literal"})
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "equal": lambda a, b: a == b,
    "lessThan": lambda a, b: a < b,
    "lessThanOrEqual": lambda a, b: a <= b,
    "greaterThan": lambda a, b: a > b,
    "greaterThanOrEqual": lambda a, b: a >= b,
}


def _convert(value: str | None, value_type: str) -> Any:
    """A partition value or literal as a comparable Python value (None stays SQL NULL)."""
    if value is None:
        return None
    kind = value_type.lower()
    try:
        if kind in {"int", "long", "short", "byte"}:
            return int(value)
        if kind in {"float", "double"}:
            return float(value)
        if kind == "boolean":
            return str(value).lower() == "true"
        if kind == "date":
            return date.fromisoformat(str(value))
        if kind == "timestamp":
            stamp = datetime.fromisoformat(str(value).replace(" ", "T"))
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        return str(value)
    except (TypeError, ValueError):
        return UNKNOWN


def _validate(node: Any, depth: int = 0) -> None:
    if depth > _MAX_DEPTH or not isinstance(node, dict) or "op" not in node:
        raise ValueError("malformed predicate")
    op = node["op"]
    children = node.get("children") or []
    if op in {"column", "literal"}:
        if not isinstance(node.get("valueType"), str):
            raise ValueError("missing valueType")
        if op == "column" and not isinstance(node.get("name"), str):
            raise ValueError("missing column name")
        return
    expected = {"and": None, "or": None, "not": 1, "isNull": 1, **dict.fromkeys(_COMPARISONS, 2)}
    if op not in expected:
        raise ValueError(f"unsupported op {op}")
    arity = expected[op]
    if (arity is None and len(children) < 2) or (arity is not None and len(children) != arity):
        raise ValueError(f"wrong number of children for {op}")
    leaf_only = op not in {"and", "or", "not"}
    for child in children:
        if leaf_only and (not isinstance(child, dict) or child.get("op") not in LEAVES):
            raise ValueError(f"{op} compares columns and literals only")
        _validate(child, depth + 1)


def parse_json_predicate(hint: str | None, partition_columns: list[str]) -> FilePredicate | None:
    """A test on a file's partition values, or None when the hint is absent or unusable."""
    if not hint:
        return None
    try:
        tree = json.loads(hint)
        _validate(tree)
    except (ValueError, TypeError):
        return None
    partitions = {name.lower() for name in partition_columns}

    def value(node: dict[str, Any], values: dict[str, str | None]) -> Any:
        if node["op"] == "literal":
            return _convert(node.get("value"), node["valueType"])
        name = node["name"].lower()
        if name not in partitions:
            return UNKNOWN
        raw = next((v for k, v in values.items() if k.lower() == name), None)
        return _convert(raw, node["valueType"])

    def evaluate(node: dict[str, Any], values: dict[str, str | None]) -> bool | None:
        """Three-valued: True, False, or None for "cannot tell" (keep the file)."""
        op = node["op"]
        children = node.get("children") or []
        if op == "and":
            results = [evaluate(child, values) for child in children]
            if False in results:
                return False
            return True if all(r is True for r in results) else None
        if op == "or":
            results = [evaluate(child, values) for child in children]
            if True in results:
                return True
            return False if all(r is False for r in results) else None
        if op == "not":
            result = evaluate(children[0], values)
            return None if result is None else not result
        if op == "isNull":
            operand = value(children[0], values)
            return None if operand is UNKNOWN else operand is None
        left, right = (value(child, values) for child in children)
        if left is UNKNOWN or right is UNKNOWN:
            return None
        if left is None or right is None:
            return False  # SQL: a comparison with NULL selects no row
        try:
            return _COMPARISONS[op](left, right)
        except TypeError:
            return None

    def keep(values: dict[str, str | None]) -> bool:
        return evaluate(tree, values) is not False

    return keep
