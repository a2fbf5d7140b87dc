"""The loader's rules, one by one: merge keys, raw table names, credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from load.procore_analytics import ProcoreAnalyticsError, TableRef, raw_table_names
from load.procore_analytics.profile import profile_from_settings, read_profile
from load.procore_analytics.schema import DeltaColumn, delta_columns, merge_key


def _columns(*names: str) -> list[DeltaColumn]:
    return [DeltaColumn(name, "long", pa.int64()) for name in names]


@pytest.mark.parametrize(
    ("table", "columns", "key"),
    [
        ("commitments", ("commitment_id", "project_id", "vendor_id"), ("commitment_id",)),
        ("rfis", ("project_id", "rfi_id"), ("rfi_id",)),
        ("companies", ("company_id", "name"), ("company_id",)),
        ("rfis_bic", ("rfi_bic_id", "rfi_id"), ("rfi_bic_id",)),
        ("daily_log_types", ("daily_log_type_id", "company_id"), ("daily_log_type_id",)),
        ("punch_item", ("punch_item_id", "project_id"), ("punch_item_id",)),
        ("statuses", ("status_id",), ("status_id",)),
        ("legacy_rows", ("id", "project_id"), ("id",)),
        # A foreign key is never taken for the table's own key.
        ("rfi_replies_by_day", ("rfi_id", "project_id"), None),
    ],
)
def test_the_merge_key_is_the_tables_own_entity_id_column(table, columns, key):
    assert merge_key(f"s.{table}", table, _columns(*columns)) == key


def test_a_configured_merge_key_wins_and_an_empty_one_means_replace():
    columns = _columns("commitment_id", "project_id")
    overrides = {"Financials.Commitments": ["project_id", "commitment_id"]}
    assert merge_key("financials.commitments", "commitments", columns, overrides) == (
        "project_id",
        "commitment_id",
    )
    assert merge_key("s.commitments", "commitments", columns, {"s.commitments": []}) is None
    with pytest.raises(ProcoreAnalyticsError, match=r"names column\(s\) nope of s\.commitments"):
        merge_key("s.commitments", "commitments", columns, {"s.commitments": ["nope"]})


def test_raw_tables_are_named_after_their_table_unless_two_schemas_share_the_name():
    tables = [TableRef("p", "core", "projects"), TableRef("p", "core", "users")]
    tables += [TableRef("p", "finance", "users")]
    assert list(raw_table_names(tables).values()) == ["projects", "core__users", "finance__users"]


def test_delta_types_keep_decimal_precision_and_read_timestamps_as_utc():
    schema = {
        "type": "struct",
        "fields": [
            {"name": "amount", "type": "decimal(38,5)", "nullable": True, "metadata": {}},
            {"name": "at", "type": "timestamp", "nullable": True, "metadata": {}},
            {"name": "wall", "type": "timestamp_ntz", "nullable": True, "metadata": {}},
            {"name": "ids", "type": {"type": "array", "elementType": "long"}, "nullable": True},
        ],
    }
    columns = {c.name: c for c in delta_columns(json.dumps(schema), "s.t")}
    assert columns["amount"].arrow_type == pa.decimal128(38, 5)
    assert columns["at"].arrow_type == pa.timestamp("us", tz="UTC")
    assert columns["wall"].arrow_type == pa.timestamp("us", tz="UTC")
    assert columns["wall"].type_text == "timestamp_ntz"
    assert columns["ids"].arrow_type == pa.list_(pa.int64())


def test_a_profile_of_another_credentials_version_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "v2.share"
    path.write_text(json.dumps({"shareCredentialsVersion": 2, "endpoint": "https://x/ds"}))
    with pytest.raises(ProcoreAnalyticsError, match="Field shareCredentialsVersion of the"):
        read_profile(path)


def test_settings_without_a_token_name_the_settings_to_set():
    with pytest.raises(ProcoreAnalyticsError) as failure:
        profile_from_settings("https://x/delta-sharing/", None, "share")
    assert "sources.procore_analytics.bearer_token is not set" in str(failure.value)
    token = "s3cr3t-token"
    settings = profile_from_settings("https://x/delta-sharing/", token, None, "2030-01-01T00:00Z")
    assert settings.endpoint == "https://x/delta-sharing"
    assert settings.expiration_time == datetime(2030, 1, 1, tzinfo=UTC)
    assert token not in repr(settings)
