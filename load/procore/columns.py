"""Column hints of the raw tables: the types ``catalog`` entries declare for their columns.

dlt infers a column's type from the values of a load. These hints hold where inference
cannot: a column the staging models select by name must exist even when every value of a
load is null, and some JSON values alone would land as the wrong type.
"""

from __future__ import annotations

from dlt.common.schema.typing import TTableSchemaColumns


def as_json(*names: str) -> TTableSchemaColumns:
    """Column hints that store a nested value as one JSON column.

    Nested lists are always JSON; for a nested object this keeps it whole instead of
    flattening it into ``<name>__<field>`` columns. Declaring a list keeps its type known in
    a load where every value is null.
    """
    return {name: {"data_type": "json"} for name in names}


# Raw column types that must exist even when every value of a load is null, because staging
# models select them by name; and the ones whose JSON type alone would land them as text.
PROJECT_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "bigint", "nullable": False},
    "company__id": {"data_type": "bigint"},
    "total_value": {"data_type": "text"},
    "start_date": {"data_type": "date"},
    "completion_date": {"data_type": "date"},
    "projected_finish_date": {"data_type": "date"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
}

_USER_REF = ("id", "login", "name")
RFI_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "bigint", "nullable": False},
    "number": {"data_type": "text"},
    "full_number": {"data_type": "text"},
    "prefix": {"data_type": "text"},
    "subject": {"data_type": "text"},
    "status": {"data_type": "text"},
    "reference": {"data_type": "text"},
    "due_date": {"data_type": "date"},
    "initiated_at": {"data_type": "timestamp"},
    "time_resolved": {"data_type": "timestamp"},
    "deleted_at": {"data_type": "timestamp"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
    "location__id": {"data_type": "bigint"},
    "location__name": {"data_type": "text"},
    "responsible_contractor__id": {"data_type": "bigint"},
    "responsible_contractor__name": {"data_type": "text"},
    "cost_code__id": {"data_type": "bigint"},
    "cost_code__name": {"data_type": "text"},
    "cost_impact__status": {"data_type": "text"},
    "cost_impact__value": {"data_type": "double"},
    "schedule_impact__status": {"data_type": "text"},
    "schedule_impact__value": {"data_type": "bigint"},
    **{
        f"{person}__{field}": {"data_type": "bigint" if field == "id" else "text"}
        for person in ("assignee", "ball_in_court", "rfi_manager", "received_from", "created_by")
        for field in _USER_REF
    },
}
