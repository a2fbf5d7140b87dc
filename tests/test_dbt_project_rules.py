"""The rules of dbt's project evaluator that this project keeps, read from its YAML.

Every model is documented in a properties file of its folder, has a description, documents
every column it declares, and has a grain test: ``unique`` on a column, or
``unique_combination_of_columns`` on the model. Every mart enforces its contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pcw.paths import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"
GRAIN_TESTS = {"unique", "unique_combination_of_columns"}


def _properties() -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each model's properties, with the file that holds them."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(MODELS.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            assert model["name"] not in found, f"{model['name']} is described twice"
            found[model["name"]] = (path, model)
    return found


def _test_names(tests: list[Any] | None) -> set[str]:
    return {next(iter(test)) if isinstance(test, dict) else test for test in tests or []}


def _sql_models() -> dict[str, Path]:
    return {path.stem: path for path in MODELS.rglob("*.sql")}


def test_every_model_is_described_in_a_properties_file_of_its_own_folder():
    properties = _properties()
    for name, sql in _sql_models().items():
        assert name in properties, f"{name} has no properties"
        path, model = properties[name]
        assert path.parent == sql.parent, f"{name} is described in {path}"
        assert path.name.startswith("_") and path.name.endswith("__models.yml"), path
        assert (model.get("description") or "").strip(), f"{name} has no description"


def test_every_declared_column_has_a_description():
    for name, (_, model) in _properties().items():
        for column in model.get("columns", []):
            assert (column.get("description") or "").strip(), f"{name}.{column['name']}"


def test_every_model_has_a_grain_test():
    for name, (_, model) in _properties().items():
        tests = _test_names(model.get("data_tests"))
        for column in model.get("columns", []):
            tests |= _test_names(column.get("data_tests"))
        assert tests & GRAIN_TESTS, f"{name} has no grain test"


def test_every_mart_enforces_its_contract():
    for name, (path, model) in _properties().items():
        if "marts" in path.relative_to(MODELS).parts:
            contract = (model.get("config") or {}).get("contract") or {}
            assert contract.get("enforced") is True, f"{name} does not enforce its contract"
