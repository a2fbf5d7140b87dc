"""Cost codes and cost types: a project's cost code tree and a WBS code per budget code.

The CSI division table is longer than the code that uses it: it is reference data.
"""

from __future__ import annotations

import random
from typing import Any

from ..common import Record
from .context import (
    _BudgetCode,
    _Project,
    _Sizes,
    _ts,
)

# Company-wide cost types ("line_item_types"): (name, code, base_type).
LINE_ITEM_TYPES = (
    ("Labor", "L", "labor"),
    ("Material", "M", "material"),
    ("Equipment", "E", "equipment"),
    ("Subcontract", "S", "commitment"),
    ("Other", "O", "other"),
)
# CSI divisions (the cost code tree's roots) with their codes and the trade that builds them.
DIVISIONS: tuple[tuple[str, str, str | None, tuple[tuple[str, str], ...]], ...] = (
    ("01", "General Requirements", None, (
        ("010", "Project Manager"), ("020", "Superintendent"), ("030", "Temporary Facilities"),
        ("040", "Final Cleanup"), ("050", "Insurance and Bonds"))),
    ("31", "Earthwork", "Earthwork", (
        ("200", "Earth Moving"), ("300", "Excavation"), ("500", "Shoring"))),
    ("03", "Concrete", "Concrete", (
        ("300", "Cast-in-place Concrete"), ("310", "Formwork"), ("320", "Reinforcing Steel"),
        ("350", "Concrete Finishing"))),
    ("05", "Metals", "Steel Erectors", (
        ("100", "Structural Steel"), ("300", "Metal Decking"), ("500", "Metal Fabrications"))),
    ("26", "Electrical", "Electrical", (
        ("100", "Power Distribution"), ("200", "Low Voltage"), ("500", "Lighting"))),
    ("23", "HVAC", "Mechanical", (
        ("300", "HVAC Equipment"), ("310", "Ductwork"), ("900", "Controls"))),
    ("22", "Plumbing", "Plumbing", (("100", "Plumbing Piping"), ("400", "Plumbing Fixtures"))),
    ("09", "Finishes", "Drywall", (
        ("200", "Gypsum Board"), ("300", "Tiling"), ("600", "Flooring"), ("900", "Painting"))),
    ("07", "Thermal and Moisture Protection", "Roofing", (
        ("200", "Insulation"), ("500", "Roofing"), ("900", "Joint Sealants"))),
    ("08", "Openings", "Glazing", (
        ("100", "Doors and Frames"), ("400", "Storefronts"), ("700", "Door Hardware"),
        ("800", "Glazing"))),
    ("21", "Fire Suppression", "Fire Protection", (("100", "Sprinkler Systems"),)),
    ("04", "Masonry", "Masonry", (("200", "Unit Masonry"), ("400", "Stone Veneer"))),
    ("14", "Conveying Equipment", "Elevators", (("200", "Elevators"),)),
    ("06", "Wood and Plastics", None, (
        ("100", "Rough Carpentry"), ("200", "Finish Carpentry"), ("400", "Casework"))),
    ("10", "Specialties", None, (("100", "Signage"), ("200", "Toilet Accessories"))),
    ("32", "Exterior Improvements", None, (("100", "Paving"), ("900", "Landscaping"))),
    ("02", "Existing Conditions", "Earthwork", (("100", "Demolition"), ("200", "Site Survey"))),
)  # fmt: skip


def _cost_codes(
    ctx: _Project,
    rng: random.Random,
    shared: Record,
    sizes: _Sizes,
    setup: int,
    out: dict[str, list[Record]],
) -> None:
    """The project's cost code tree and a WBS code per budget code."""
    ids = ctx.company.ids
    pid = ctx.id
    types = shared["lists"]["line_item_types"]
    created = _ts(setup)
    position = 0
    cost_type_segment = {"id": 502, "name": "Cost Type", "type": "line_item_type", "position": 2,
                         "delimiter": ".", "required": True, "structure": "flat"}  # fmt: skip
    code_segment = {"id": 501, "name": "Cost Code", "type": "cost_code", "position": 1,
                    "delimiter": "-", "required": True, "structure": "tiered"}  # fmt: skip
    for division_code, division_name, _trade, codes in DIVISIONS[: sizes.divisions]:
        position += 1
        division = _cost_code(ctx, ids, division_code, division_code, division_name, None,
                              position, False, [], created)  # fmt: skip
        division["_trade"] = _trade
        out["cost_codes"].append(division)
        for code, name in codes[: sizes.codes]:
            position += 1
            if division_code == "01":
                chosen = [types[0], types[4]] + ([types[1]] if rng.random() < 0.5 else [])
            else:
                chosen = [types[3]]
                if rng.random() < 0.45:
                    chosen.append(types[1])
                if rng.random() < 0.25:
                    chosen.append(types[0])
                if rng.random() < 0.12:
                    chosen.append(types[2])
            chosen.sort(key=lambda t: t["id"])
            full_code = f"{division_code}-{code}"
            cost_code = _cost_code(ctx, ids, code, full_code, name, division, position, True,
                                   chosen, created)  # fmt: skip
            out["cost_codes"].append(cost_code)
            code_item = _segment_item(ids, cost_code, division, code_segment, created)
            for line_type in chosen:
                type_item = _segment_item(ids, line_type, None, cost_type_segment, created)
                wbs = {
                    "_project_id": pid,
                    "_cost_code_id": cost_code["id"],
                    "_line_item_type_id": line_type["id"],
                    "id": ids.take("wbs_code"),
                    "flat_code": f"{full_code}.{line_type['code']}",
                    "flat_name": f"{division_name}.{name}.{line_type['name']}",
                    "description": f"{name}.{line_type['name']}",
                    "status": "active",
                    "wbs_pattern_id": 1,
                    "segment_items": [code_item, type_item],
                    "created_at": created,
                    "updated_at": created,
                }
                out["wbs_codes"].append(wbs)
                ctx.add_code(_BudgetCode(cost_code, division, line_type, wbs))


def _cost_code(
    ctx: _Project,
    ids: Any,
    code: str,
    full_code: str,
    name: str,
    parent: Record | None,
    position: int,
    budgeted: bool,
    types: list[Record],
    created: str,
) -> Record:
    return {
        "_project_id": ctx.id,
        "id": ids.take("cost_code"),
        "name": name,
        "code": code,
        "full_code": full_code,
        "sortable_code": full_code,
        "parent": {"id": parent["id"]} if parent else None,
        "position": position,
        "biller": ctx.project["name"],
        "biller_id": ctx.id,
        "biller_type": "Project",
        "biller_origin_id": None,
        "budgeted": budgeted,
        "standard_cost_code_id": None,
        "standard_cost_code_list_id": None,
        "origin_id": None,
        "origin_data": None,
        "line_item_types": [dict(t) for t in types],
        "created_at": created,
        "updated_at": created,
        "deleted_at": None,
    }


def _segment_item(
    ids: Any, item: Record, parent: Record | None, segment: Record, created: str
) -> Record:
    code = item.get("full_code", item["code"])
    path_ids = ([parent["id"]] if parent else []) + [item["id"]]
    path_codes = ([parent["code"]] if parent else []) + [item["code"]]
    path_names = ([parent["name"]] if parent else []) + [item["name"]]
    return {
        "id": ids.take("wbs_segment_item"),
        "code": item["code"],
        "name": item["name"],
        "parent_id": parent["id"] if parent else None,
        "path_ids": path_ids,
        "path_code": code,
        "path_codes": path_codes,
        "path_names": path_names,
        "is_parent": False,
        "in_use": True,
        "status": "active",
        "segment": segment,
        "created_at": created,
        "updated_at": created,
    }
