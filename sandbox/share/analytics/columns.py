"""The shape of a shared table: column types, ``Column``, ``TableSpec`` and how specs are declared.

Every table is keyed by ``<entity>_id`` (its name in the singular), carries ``company_id``
(and ``project_id`` on project tables) next to its key and closes with the audit columns;
``share_table`` builds a ``TableSpec`` that way. The column helpers (``ids``, ``strings``,
``typed``, ``money``) keep the table declarations one line per group of columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from sandbox.domain.common import Company, Record

MONEY = pa.decimal128(38, 5)
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
NAIVE_TIMESTAMP = pa.timestamp("us")
BIGINT = pa.int64()
STRING = pa.string()
BOOLEAN = pa.bool_()
DATE = pa.date32()
DOUBLE = pa.float64()

# The domains a table belongs to: the groups Procore's change log files new tables under
# (Financial, Project Management) plus the core directory tables.
DOMAINS = ("core", "financials", "project_management")
AUDIT_COLUMNS = ("created_at", "updated_at", "audit_transaction_timestamp")
# Words of table names that end in "s" without being plurals.
_NOT_PLURAL = frozenset({"wbs"})


@dataclass(frozen=True)
class Column:
    """One column of a shared table."""

    name: str
    type: pa.DataType
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One Procore Analytics table: its columns and where its rows come from.

    Attributes:
        name: The table name, as Procore Analytics spells it.
        domain: The group the table belongs to (``DOMAINS``); the share settings decide
            whether it is also the table's schema.
        key: The ``<entity>_id`` column identifying a row; ``sync_share`` merges on it.
        level: ``"company"`` for directory tables, ``"project"`` for tables whose rows
            belong to a project (they carry ``project_id``).
        columns: The columns, in order; the key first.
        rows: The live rows of the company, as dicts of exactly the column names.
        description: The table's Delta description.
        partition_by: Delta partition columns.
    """

    name: str
    domain: str
    key: str
    level: str
    columns: tuple[Column, ...]
    rows: Callable[[Company], list[Record]]
    description: str
    partition_by: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
        return [column.name for column in self.columns]


def singular(table: str) -> str:
    """A table name in the singular, word by word: ``rfis_bic`` -> ``rfi_bic``."""

    def one(word: str) -> str:
        if word in _NOT_PLURAL:
            return word
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith("ss"):
            return word[:-1]
        return word

    return "_".join(one(word) for word in table.split("_"))


# -- column declarations ----------------------------------------------------------------------


def key_columns(key: str, level: str, key_type: pa.DataType = BIGINT) -> tuple[Column, ...]:
    """The key, ``company_id`` and, on project tables, ``project_id``: never null."""
    columns = [Column(key, key_type, nullable=False)]
    if key != "company_id":
        columns.append(Column("company_id", BIGINT, nullable=False))
    if level == "project" and key != "project_id":
        columns.append(Column("project_id", BIGINT, nullable=False))
    return tuple(columns)


def ids(*names: str) -> tuple[Column, ...]:
    """Nullable bigint columns: ids of other records."""
    return tuple(Column(name, BIGINT) for name in names)


def strings(*names: str) -> tuple[Column, ...]:
    """Nullable string columns."""
    return tuple(Column(name, STRING) for name in names)


def typed(kind: pa.DataType, *names: str) -> tuple[Column, ...]:
    """Nullable columns of one type."""
    return tuple(Column(name, kind) for name in names)


def money_names(name: str, own: bool) -> tuple[str, ...]:
    """The column names of one amount: project and company currency, and with ``own`` bare."""
    suffixed = (f"{name}_project_currency", f"{name}_company_currency")
    return (name, *suffixed) if own else suffixed


def money(*names: str, own: bool = False) -> tuple[Column, ...]:
    """Currency columns: each amount in project and company currency.

    With ``own``, also the unsuffixed amount (the record's own currency), for the tables
    where Procore publishes that form.
    """
    return tuple(Column(column, MONEY) for name in names for column in money_names(name, own))


AUDIT = tuple(Column(name, UTC_TIMESTAMP) for name in AUDIT_COLUMNS)


def share_table(
    name: str,
    domain: str,
    level: str,
    rows: Callable[[Company], list[Record]],
    description: str,
    *columns: Column,
    key_type: pa.DataType = BIGINT,
    partition_by: tuple[str, ...] = (),
) -> TableSpec:
    """A table keyed by its singular name plus ``_id``, with keys first and audit last."""
    key = f"{singular(name)}_id"
    return TableSpec(
        name=name,
        domain=domain,
        key=key,
        level=level,
        columns=(*key_columns(key, level, key_type), *columns, *AUDIT),
        rows=rows,
        description=description,
        partition_by=partition_by,
    )


# The budget code references every line of a budget, contract, change order or cost carries.
LINE_REFS = ids("wbs_code_id", "cost_code_id", "line_item_type_id")
