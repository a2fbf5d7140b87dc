"""Schema drift: the share adds, removes and retypes columns in a table's next version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import delta_sharing
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from sandbox.domain.common import Company
from sandbox.generator import advance, generate_company
from sandbox.share import DeltaSharingServer
from sandbox.share.tables import (
    SHARE_TABLES,
    ShareSettings,
    build_table,
    read_table,
    spec_named,
    sync_share,
    table_path,
    write_share,
)

CLOCK = datetime(2026, 6, 30, 15, 30, tzinfo=UTC)
DRIFTED = {"rfis", "submittals", "change_events", "budget_line_items"}


@dataclass
class Drifted:
    company: Company
    root: Path
    settings: ShareSettings
    result: dict[str, dict[str, int]]

    def path(self, table: str) -> Path:
        return table_path(self.root, spec_named(table), self.settings)


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> Drifted:
    company = generate_company(seed=3, scale="tiny", clock=CLOCK)
    root = tmp_path_factory.mktemp("drift")
    settings = ShareSettings()
    write_share(company, root, settings=settings)
    settings.add_column("rfis", "rfi_priority", pa.string(), value="normal")
    settings.drop_column("submittals", "title")
    settings.retype_column("change_events", "number", pa.string())
    # The precision Procore used before it moved every currency column to decimal(38,5).
    settings.retype_column(
        "budget_line_items", "original_budget_amount_project_currency", pa.decimal128(21, 2)
    )
    return Drifted(company, root, settings, sync_share(company, root, settings=settings))


def delta_columns(path: Path, version: int) -> dict[str, str]:
    """The columns and Delta types a version's log entry declares, as a reader sees them."""
    entry = (path / "_delta_log" / f"{version:020d}.json").read_text().splitlines()
    metadata = next(json.loads(line)["metaData"] for line in entry if '"metaData"' in line)
    fields = json.loads(metadata["schemaString"])["fields"]
    return {field["name"]: field["type"] for field in fields}


def test_only_the_drifted_tables_get_a_new_version_which_replaces_every_row(
    drifted: Drifted,
) -> None:
    for name, counts in drifted.result.items():
        version = DeltaTable(drifted.path(name)).version()
        assert version == counts["version"] == (1 if name in DRIFTED else 0), name
        assert counts["rewritten"] == (name in DRIFTED), name
    counts = drifted.result["rfis"]
    assert counts["inserted"] == counts["deleted"] == read_table(drifted.path("rfis")).num_rows


def test_an_added_column_is_in_the_delta_schema_of_the_next_version_with_its_value(
    drifted: Drifted,
) -> None:
    path = drifted.path("rfis")
    assert "rfi_priority" not in delta_columns(path, 0)
    assert delta_columns(path, 1)["rfi_priority"] == "string"
    assert list(delta_columns(path, 1))[-1] == "rfi_priority"
    assert set(read_table(path)["rfi_priority"].to_pylist()) == {"normal"}


def test_a_removed_column_is_gone_from_the_next_version_and_kept_by_the_one_before(
    drifted: Drifted,
) -> None:
    path = drifted.path("submittals")
    assert "title" in delta_columns(path, 0)
    assert "title" not in delta_columns(path, 1)
    assert "title" not in read_table(path).column_names


def test_a_retyped_column_has_its_new_type_in_the_next_version_and_the_same_values(
    drifted: Drifted,
) -> None:
    path = drifted.path("change_events")
    assert delta_columns(path, 0)["number"] == "long"
    assert delta_columns(path, 1)["number"] == "string"
    numbers = sorted(read_table(path)["number"].to_pylist(), key=int)
    events = [e for e in drifted.company.rows("change_events") if not e["deleted_at"]]
    assert numbers == sorted((str(e["number"]) for e in events), key=int)
    money = drifted.path("budget_line_items")
    column = "original_budget_amount_project_currency"
    assert delta_columns(money, 0)[column] == "decimal(38,5)"
    assert delta_columns(money, 1)[column] == "decimal(21,2)"
    assert all(isinstance(v, Decimal) for v in read_table(money)[column].to_pylist())


def test_a_drifted_table_merges_again_under_its_new_schema_at_the_next_refresh(
    drifted: Drifted, tmp_path: Path
) -> None:
    company = generate_company(seed=3, scale="tiny", clock=CLOCK)
    settings = ShareSettings()
    spec = spec_named("rfis")
    write_share(company, tmp_path, tables=[spec], settings=settings)
    settings.add_column("rfis", "rfi_priority", pa.string(), value="normal")
    sync_share(company, tmp_path, tables=[spec], settings=settings)
    advance(company, 14)
    [counts] = sync_share(company, tmp_path, tables=[spec], settings=settings).values()
    assert counts["rewritten"] == 0 and counts["inserted"] + counts["updated"] > 0
    assert counts["version"] == 2
    path = table_path(tmp_path, spec, settings)
    assert delta_columns(path, 1) == {**delta_columns(path, 0), "rfi_priority": "string"}
    assert (
        read_table(path)
        .sort_by("rfi_id")
        .equals(build_table(company, spec, settings).sort_by("rfi_id"))
    )


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def profile(drifted: Drifted, tmp_path: Path, no_proxy: None) -> Iterator[str]:
    with DeltaSharingServer(drifted.root) as server:
        yield str(server.write_profile(tmp_path / "drift.share"))


def test_the_sharing_client_sees_the_new_schema_now_and_the_old_one_at_version_zero(
    profile: str,
) -> None:
    url = f"{profile}#procore_analytics.project_management.submittals"
    assert "title" not in delta_sharing.load_as_pandas(url).columns
    assert "title" in delta_sharing.load_as_pandas(url, version=0).columns
    metadata = json.loads(delta_sharing.get_table_metadata(url).schema_string)
    assert "title" not in {field["name"] for field in metadata["fields"]}


def test_drift_that_cannot_apply_is_refused() -> None:
    settings = ShareSettings()
    with pytest.raises(KeyError, match="no table 'rfi'"):
        settings.add_column("rfi", "x", pa.string())
    company = generate_company(seed=3, scale="tiny", clock=CLOCK)
    cases = [
        ("add_column", ("rfis", "subject", pa.string()), "already has"),
        ("drop_column", ("rfis", "no_such_column"), "has no column"),
        ("retype_column", ("rfis", "no_such_column", pa.string()), "has no column"),
        ("drop_column", ("rfis", "rfi_id"), "merges on"),
    ]
    for method, args, message in cases:
        settings = ShareSettings()
        getattr(settings, method)(*args)
        with pytest.raises(ValueError, match=message):
            build_table(company, spec_named("rfis"), settings)
    assert {spec.name for spec in SHARE_TABLES} >= DRIFTED
