"""The generated company through the real delta-sharing 1.4.2 client, table by table."""

import datetime as dt
import json
import math
from decimal import Decimal

import delta_sharing
import pandas as pd
import pytest

from sandbox import generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import CATALOGUE, build_table, write_share
from tests.conftest import CLOCK


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("share")
    company = generate_company(seed=9, scale="tiny", clock=CLOCK)
    write_share(company, root / "tables")
    # Page size 1: every list call walks its pages (delta-sharing.md §1, pagination).
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
        return value.quantize(Decimal("0.01"))
    return value


def _rows(records, key):
    rows = [{name: _plain(value) for name, value in record.items()} for record in records]
    return sorted(rows, key=lambda row: tuple(row[k] for k in key))


def test_every_table_is_listed_with_a_page_size_of_one(shared):
    _, _, profile = shared
    listed = {
        (t.share, t.schema, t.name) for t in delta_sharing.SharingClient(profile).list_all_tables()
    }
    assert listed == {("procore_analytics", spec.schema, spec.name) for spec in CATALOGUE}


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda spec: f"{spec.schema}.{spec.name}")
@pytest.mark.parametrize("delta_format", [False, True], ids=["parquet", "delta"])
def test_every_table_loads_exactly_the_generated_rows(shared, spec, delta_format):
    company, _, profile = shared
    url = f"{profile}#procore_analytics.{spec.schema}.{spec.name}"
    if spec.naive_timestamps and not delta_format:
        # delta-sharing.md §3: the parquet path cannot parse timestamp_ntz, exactly as
        # against Databricks; such tables are read in delta format (autoresolve picks it).
        with pytest.raises(ValueError, match="timestamp_ntz"):
            delta_sharing.load_as_pandas(url, use_delta_format=False)
        return
    loaded = delta_sharing.load_as_pandas(url, use_delta_format=delta_format)
    expected = build_table(company, spec)
    assert len(loaded) == expected.num_rows
    assert list(loaded.columns) == expected.column_names
    key = spec.key + spec.partition_by
    assert _rows(loaded.to_dict("records"), key) == _rows(expected.to_pylist(), key)


def test_limit_version_and_timestamp_reach_the_company_tables(shared):
    company, _, profile = shared
    url = f"{profile}#procore_analytics.project_management.rfis"
    assert len(delta_sharing.load_as_pandas(url, limit=3)) == 3
    assert len(delta_sharing.load_as_pandas(url, version=0)) == len(
        build_table(company, next(s for s in CATALOGUE if s.name == "rfis"))
    )
    # Time travel to the commit's own instant (a time after the last commit is an error in
    # Delta, and so in the server).
    log = profile.parent / "tables" / "project_management" / "rfis" / "_delta_log"
    commit = next(
        json.loads(line)["commitInfo"]
        for line in (log / f"{0:020d}.json").read_text().splitlines()
        if "commitInfo" in line
    )
    instant = dt.datetime.fromtimestamp(commit["timestamp"] / 1000, dt.UTC)
    at_commit = delta_sharing.load_as_pandas(url, timestamp=instant.isoformat())
    assert len(at_commit) == len(
        build_table(company, next(s for s in CATALOGUE if s.name == "rfis"))
    )
