"""The generated company through the real delta-sharing 1.4.2 client, table by table."""

import datetime as dt
import json
import math
from decimal import Decimal

import delta_sharing
import pandas as pd
import pytest

from sandbox import generate_company
from sandbox.share import DeltaSharingServer, ShareSettings
from sandbox.share.tables import SHARE_TABLES, build_table, spec_named, write_share
from tests.conftest import CLOCK

SETTINGS = ShareSettings()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("share")
    company = generate_company(seed=9, scale="tiny", clock=CLOCK)
    write_share(company, root / "tables", settings=SETTINGS)
    # Page size 1: every list call walks its pages (pagination).
    with DeltaSharingServer(root / "tables", max_results_default=1) as server:
        yield company, server, server.write_profile(root / "procore.share")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _plain(value):
    """One cell as a plain Python value, whichever path (pandas or Arrow) produced it."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC)
    if type(value).__module__ == "numpy":
        return value.item()
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.00001"))
    return value


def _rows(records, key):
    rows = [{name: _plain(value) for name, value in record.items()} for record in records]
    return sorted(rows, key=lambda row: row[key])


def test_every_table_is_listed_under_its_domain_schema_with_a_page_size_of_one(shared):
    _, _, profile = shared
    listed = {
        (t.share, t.schema, t.name) for t in delta_sharing.SharingClient(profile).list_all_tables()
    }
    assert listed == {("procore_analytics", spec.domain, spec.name) for spec in SHARE_TABLES}


@pytest.mark.parametrize("spec", SHARE_TABLES, ids=lambda spec: spec.name)
@pytest.mark.parametrize("delta_format", [False, True], ids=["parquet", "delta"])
def test_every_table_loads_exactly_the_generated_rows(shared, spec, delta_format):
    company, _, profile = shared
    url = f"{profile}#procore_analytics.{SETTINGS.qualified_name(spec)}"
    loaded = delta_sharing.load_as_pandas(url, use_delta_format=delta_format)
    expected = build_table(company, spec)
    assert len(loaded) == expected.num_rows
    assert list(loaded.columns) == expected.column_names
    assert _rows(loaded.to_dict("records"), spec.key) == _rows(expected.to_pylist(), spec.key)


def test_money_arrives_as_exact_decimals_and_keys_as_integers(shared):
    company, _, profile = shared
    url = f"{profile}#procore_analytics.financials.budget_view_standard_columns"
    loaded = delta_sharing.load_as_pandas(url, use_delta_format=False)
    revised = loaded["revised_budget_sum_project_currency"]
    assert all(isinstance(value, Decimal) for value in revised)
    assert str(loaded["project_id"].dtype) == "int64"
    rest = {
        row["id"]: Decimal(row["Revised Budget"]) for row in company.rows("budget_view_detail_rows")
    }
    assert dict(zip(loaded["budget_line_item_id"], revised, strict=True)) == rest


def test_limit_version_and_timestamp_reach_the_company_tables(shared):
    company, _, profile = shared
    url = f"{profile}#procore_analytics.project_management.rfis"
    rfis = build_table(company, spec_named("rfis")).num_rows
    assert len(delta_sharing.load_as_pandas(url, limit=3)) == 3
    assert len(delta_sharing.load_as_pandas(url, version=0)) == rfis
    # Time travel to the commit's own instant (a time after the last commit is an error in
    # Delta, and so in the server).
    log = profile.parent / "tables" / "project_management" / "rfis" / "_delta_log"
    commit = next(
        json.loads(line)["commitInfo"]
        for line in (log / f"{0:020d}.json").read_text().splitlines()
        if "commitInfo" in line
    )
    instant = dt.datetime.fromtimestamp(commit["timestamp"] / 1000, dt.UTC)
    assert len(delta_sharing.load_as_pandas(url, timestamp=instant.isoformat())) == rfis


def test_the_single_schema_layout_and_naive_timestamps_reach_the_client(tmp_path):
    company = generate_company(seed=9, scale="tiny", clock=CLOCK)
    settings = ShareSettings(
        schema_layout="single", single_schema="analytics", naive_timestamps=frozenset({"rfis"})
    )
    tables = [spec_named("rfis"), spec_named("projects")]
    write_share(company, tmp_path / "tables", tables=tables, settings=settings)
    with DeltaSharingServer(tmp_path / "tables") as server:
        profile = server.write_profile(tmp_path / "procore.share")
        listed = delta_sharing.SharingClient(str(profile)).list_all_tables()
        assert {(t.schema, t.name) for t in listed} == {
            ("analytics", "rfis"),
            ("analytics", "projects"),
        }
        url = f"{profile}#procore_analytics.analytics.rfis"
        # timestamp_ntz: the parquet path cannot parse it, exactly as against Databricks;
        # the autoresolved read takes the delta path and works.
        with pytest.raises(ValueError, match="timestamp_ntz"):
            delta_sharing.load_as_pandas(url, use_delta_format=False)
        loaded = delta_sharing.load_as_pandas(url)
        assert len(loaded) == build_table(company, tables[0]).num_rows
        assert loaded["updated_at"].dt.tz is None
