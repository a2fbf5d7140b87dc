from decimal import Decimal
from pathlib import Path

import duckdb

from pcw.compare import compare_marts


def _warehouse(path: Path, budgets: list[tuple[int, Decimal]], extra_mart: bool = False) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_budget (line_id integer, amount decimal(18, 2))")
        connection.executemany("insert into marts.fct_budget values (?, ?)", budgets)
        if extra_mart:
            connection.execute("create table marts.dim_projects as select 1 as project_id")
    return path


def test_warehouses_with_the_same_rows_in_another_order_are_equal(tmp_path):
    here = _warehouse(tmp_path / "a.duckdb", [(1, Decimal("10.00")), (2, Decimal("5.50"))])
    there = _warehouse(tmp_path / "b.duckdb", [(2, Decimal("5.50")), (1, Decimal("10.00"))])
    [comparison] = compare_marts(here, there)
    assert comparison.equal
    assert (comparison.mart, comparison.rows, comparison.other_rows) == ("fct_budget", 2, 2)


def test_a_cent_of_difference_is_a_row_on_each_side(tmp_path):
    here = _warehouse(tmp_path / "a.duckdb", [(1, Decimal("10.00")), (2, Decimal("5.50"))])
    there = _warehouse(tmp_path / "b.duckdb", [(1, Decimal("10.01")), (2, Decimal("5.50"))])
    [comparison] = compare_marts(here, there)
    assert not comparison.equal
    assert (comparison.only_here, comparison.only_there) == (1, 1)


def test_a_duplicated_row_is_a_difference(tmp_path):
    here = _warehouse(tmp_path / "a.duckdb", [(1, Decimal("10.00")), (1, Decimal("10.00"))])
    there = _warehouse(tmp_path / "b.duckdb", [(1, Decimal("10.00"))])
    [comparison] = compare_marts(here, there)
    assert not comparison.equal
    assert (comparison.only_here, comparison.only_there) == (1, 0)


def test_a_mart_missing_from_the_other_warehouse_differs_by_all_its_rows(tmp_path):
    here = _warehouse(tmp_path / "a.duckdb", [(1, Decimal("1.00"))], extra_mart=True)
    there = _warehouse(tmp_path / "b.duckdb", [(1, Decimal("1.00"))])
    comparisons = {comparison.mart: comparison for comparison in compare_marts(here, there)}
    assert comparisons["fct_budget"].equal
    assert not comparisons["dim_projects"].equal
    assert comparisons["dim_projects"].only_here == 1


def test_a_column_left_out_of_the_comparison_may_differ(tmp_path):
    here = _warehouse(tmp_path / "a.duckdb", [(1, Decimal("10.00"))])
    there = _warehouse(tmp_path / "b.duckdb", [(1, Decimal("99.00"))])
    [comparison] = compare_marts(here, there, ignored={"fct_budget": ["amount"]})
    assert comparison.equal
    [strict] = compare_marts(here, there)
    assert not strict.equal
