"""Raw rows become Arrow tables with flat columns and types that hold from batch to batch."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from load.procore.arrow import TIMESTAMP, TableShaper
from load.procore.errors import ProcoreSourceError


def test_nested_objects_become_double_underscore_columns_and_a_null_object_null_fields():
    table = TableShaper("rfis", {})(
        [
            {"id": 1, "ball_in_court": {"id": 7, "vendor": {"name": "Acme"}}},
            {"id": 2, "ball_in_court": None},
        ]
    )

    assert table.column_names == ["id", "ball_in_court__id", "ball_in_court__vendor__name"]
    assert table.to_pylist()[1] == {
        "id": 2,
        "ball_in_court__id": None,
        "ball_in_court__vendor__name": None,
    }


def test_nested_lists_stay_whole_for_dlt_to_store_as_json():
    table = TableShaper("rfis", {})([{"id": 1, "assignees": [{"id": 3}, {"id": 4}]}])

    assert pa.types.is_list(table.schema.field("assignees").type)
    assert table.column("assignees").to_pylist() == [[{"id": 3}, {"id": 4}]]


def test_an_object_the_catalog_keeps_as_json_is_not_flattened():
    shaper = TableShaper("budget_views", {"custom_fields": {"data_type": "json"}})

    table = shaper([{"id": 1, "custom_fields": {"color": "red"}}])

    assert table.column_names == ["id", "custom_fields"]


def test_iso_date_times_become_utc_timestamps_and_dates_stay_text():
    table = TableShaper("rfis", {})(
        [
            {"updated_at": "2026-05-01T14:03:22Z", "due_date": "2026-05-08"},
            {"updated_at": "2026-05-01T16:03:22.5+02:00", "due_date": None},
        ]
    )

    assert table.schema.field("updated_at").type == TIMESTAMP
    assert table.column("updated_at").to_pylist() == [
        dt.datetime(2026, 5, 1, 14, 3, 22, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 1, 14, 3, 22, 500000, tzinfo=dt.UTC),
    ]
    assert table.schema.field("due_date").type == pa.string()


def test_a_column_keeps_the_type_of_its_first_batch():
    shaper = TableShaper("submittals", {})
    shaper([{"revision": 1, "received_at": "2026-05-01T14:03:22Z"}])

    later = shaper([{"revision": "2", "received_at": "2026-05-02T09:00:00Z"}])

    assert later.schema.field("revision").type == pa.int64()
    assert later.column("revision").to_pylist() == [2]
    assert later.schema.field("received_at").type == TIMESTAMP


def test_the_types_of_earlier_runs_hold_in_a_new_run():
    shaper = TableShaper("rfis", {}, known={"number": {"data_type": "text"}})

    table = shaper([{"number": 12}])

    assert table.column("number").to_pylist() == ["12"]


def test_a_value_that_cannot_take_the_column_type_stops_with_the_column_named():
    shaper = TableShaper("rfis", {})
    shaper([{"id": 1, "closed_at": "2026-05-01T14:03:22Z"}])

    with pytest.raises(ProcoreSourceError, match=r"rfis\.closed_at holds string values") as error:
        shaper([{"id": 2, "closed_at": "soon"}])

    assert "\n" not in str(error.value)


def test_a_column_without_any_value_is_left_out():
    table = TableShaper("rfis", {})([{"id": 1, "location": None}, {"id": 2}])

    assert table.column_names == ["id"]


def test_a_column_of_mixed_kinds_is_kept_as_text():
    table = TableShaper("vendors", {})([{"code": 12}, {"code": "A-7"}, {"code": [1]}])

    assert table.column("code").to_pylist() == ["12", "A-7", "[1]"]


def test_rows_with_keys_missing_or_in_another_order_line_up_by_name():
    table = TableShaper("rfis", {})([{"id": 1, "a": "x"}, {"a": "y", "id": 2}, {"id": 3}])

    assert table.column_names == ["id", "a"]
    assert table.to_pylist() == [
        {"id": 1, "a": "x"},
        {"id": 2, "a": "y"},
        {"id": 3, "a": None},
    ]
