"""Where models are documented, and the marts' contracts, read from the project's YAML.

Every model is described in the one ``_<folder>__models.yml`` file of its own folder, and every
mart enforces its contract. That every model and built column has a description and every
model a grain test is checked against a built warehouse, in
``tests/marts/test_marts_match_the_generated_company.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pcw.paths import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"


def _properties() -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each model's properties, with the file that holds them."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(MODELS.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            assert model["name"] not in found, f"{model['name']} is described twice"
            found[model["name"]] = (path, model)
    return found


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
    for folder in {sql.parent for sql in _sql_models().values()}:
        assert len(list(folder.glob("_*__models.yml"))) == 1, folder


def test_every_mart_enforces_its_contract():
    for name, (path, model) in _properties().items():
        if "marts" in path.relative_to(MODELS).parts:
            contract = (model.get("config") or {}).get("contract") or {}
            assert contract.get("enforced") is True, f"{name} does not enforce its contract"
