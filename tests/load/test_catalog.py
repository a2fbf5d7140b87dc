"""The catalog covers every list the sandbox serves, and each entry loads exactly its records."""

from pathlib import Path

import duckdb
import pytest

from load.pipeline import run_load
from load.procore.catalog import BUDGET_DISPLAY_NAMES, BY_NAME, CATALOG, ListSpec, snake_case
from sandbox.contracts import contract_names, load_contract
from tests.conftest import options_for


def _query(data_dir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _load(sandbox, company, data_dir: Path, **options) -> None:
    run_load(
        data_dir / "raw.duckdb", data_dir / "pipelines", **options_for(sandbox, company, **options)
    )


def _names(data_dir: Path, sql: str) -> set[str]:
    """The first column of a query's rows, as a set."""
    return {name for (name, *_) in _query(data_dir, sql)}


def _visible(endpoint: ListSpec, record: dict) -> bool:
    """Whether the API lists the record: soft-deleted ones only where the loader asks."""
    return record.get("deleted_at") is None or endpoint.include_deleted


def _scope_value(endpoint: ListSpec, record: dict, company_id: int):
    if endpoint.scope == "company":
        return company_id
    if endpoint.scope == "project":
        return record["_project_id"]
    return record.get("_parent_id", record.get("_contract_id"))


def _expected_keys(endpoint: ListSpec, company) -> list[tuple]:
    records = company.rows(endpoint.name)
    if endpoint.name == "companies":
        records = [company.company]
    renamed = [{endpoint.renames.get(k, k): v for k, v in r.items()} for r in records]
    return sorted(
        (
            _scope_value(endpoint, record, company.company_id),
            *(record[column] for column in endpoint.primary_key),
        )
        for record in renamed
        if _visible(endpoint, record)
    )


def test_every_list_the_sandbox_serves_has_one_catalog_entry():
    assert sorted(BY_NAME) == sorted(contract_names())
    assert len(CATALOG) == len(BY_NAME)


def test_every_parent_is_an_earlier_entry_of_the_catalog():
    names = [endpoint.name for endpoint in CATALOG]
    for endpoint in CATALOG:
        if endpoint.scope == "parent":
            assert endpoint.parent in names[: names.index(endpoint.name)]


@pytest.mark.parametrize("name", [endpoint.name for endpoint in CATALOG])
def test_each_entry_loads_exactly_the_records_the_sandbox_lists(name, sandbox, company, data_dir):
    endpoint = BY_NAME[name]
    _load(sandbox, company, data_dir, resources=[name], per_page=50)
    columns = ", ".join(endpoint.key)
    loaded = _query(data_dir, f"select {columns} from procore.{name} order by all")
    expected = _expected_keys(endpoint, company)
    assert expected, f"the sandbox should serve some {name}"
    assert sorted(loaded) == expected


def test_budget_display_names_land_as_procore_snake_case_columns(sandbox, company, data_dir):
    _load(sandbox, company, data_dir, resources=["budget_view_detail_rows"])
    columns = _names(
        data_dir,
        "select column_name from information_schema.columns "
        "where table_name = 'budget_view_detail_rows'",
    )
    assert {"approved_budget_changes", "projected_over_under", "job_to_date_costs"} <= columns
    assert not [name for name in columns if " " in name or name != name.lower()]
    assert "approved_c_os" not in columns
    served = {key for row in company.rows("budget_view_detail_rows") for key in row}
    for display_name in served - {"Approved COs"}:
        if not display_name.islower():
            assert BUDGET_DISPLAY_NAMES.get(display_name, snake_case(display_name)) in columns


def test_a_custom_budget_column_gets_a_plain_snake_case_name():
    assert snake_case("Owner Contingency (Held)") == "owner_contingency_held"


def test_a_selected_child_reads_its_parent_without_loading_it(sandbox, company, data_dir):
    _load(sandbox, company, data_dir, resources=["rfi_replies"])
    tables = _names(
        data_dir,
        "select table_name from information_schema.tables where table_schema = 'procore' "
        "and table_name not like '\\_dlt%' escape '\\' and table_name <> 'pcw_load_report'",
    )
    assert tables == {"rfi_replies"}


def test_an_explicit_project_list_loads_only_those_projects(sandbox, company, data_dir):
    chosen = company.projects[0]["id"]
    _load(sandbox, company, data_dir, resources=["projects", "rfis"], project_ids=[chosen])
    assert _query(data_dir, "select distinct _procore_project_id from procore.rfis") == [(chosen,)]
    assert _query(data_dir, "select id from procore.projects") == [(chosen,)]


def test_an_unknown_resource_name_is_refused_in_one_line(sandbox, company, data_dir):
    from load.procore import ProcoreSourceError

    with pytest.raises(ProcoreSourceError, match=r"unknown resources rfi: choose from"):
        _load(sandbox, company, data_dir, resources=["rfi"])
    assert not (data_dir / "raw.duckdb").exists()


def test_entries_are_versioned_exactly_when_their_records_carry_updated_at():
    mismatched = [
        e.name
        for e in CATALOG
        if e.versioned != ("updated_at" in load_contract(e.name)["properties"])
    ]

    assert mismatched == []
