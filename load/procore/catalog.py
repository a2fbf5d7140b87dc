"""The declarative catalog of Procore list endpoints the source loads.

One ``ListSpec`` per raw table says where its records come from and how they are kept in
sync. The source (``load.procore``) turns every entry into a dlt resource; adding a
resource is one entry here and one test. What each list takes and returns is in
docs/procore-api.md#the-lists-we-read.

Scopes, and the loader columns that record them on every row:

* ``company``: one list per configured company (``_procore_company_id``).
* ``project``: one list per loaded project (``_procore_project_id``).
* ``parent``: one list per record of a parent entry, such as the replies of one RFI
  (``_procore_parent_id``, and ``_procore_project_id``).

Sync modes:

* ``incremental``: ``filters[updated_at]=<cursor>...<now>``, a cursor per
  (company, project or parent, resource), and a periodic full re-read that finds hard
  deletions (the "reconciliation").
* ``full``: the whole list on every run, because the endpoint has no ``updated_at`` filter.
  Rows that are no longer listed are deleted from the raw table.
* ``date_window``: daily logs, which filter on their own date, not on ``updated_at``, and
  without one return today's logs only: a rolling window of recent days on every run,
  everything on reconciliation.

Children of a parent are read for the parent records the parent read this run: all of
them when the parent is a ``full`` entry, the changed ones when it is ``incremental``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dlt.common.schema.typing import TTableSchemaColumns

from .columns import PROJECT_COLUMNS, RFI_COLUMNS, as_json

Scope = Literal["company", "project", "parent"]
Sync = Literal["incremental", "full", "date_window"]

# Loader columns: where each row was listed, and the hard-delete marker of tombstones.
COMPANY_COLUMN = "_procore_company_id"
PROJECT_COLUMN = "_procore_project_id"
PARENT_COLUMN = "_procore_parent_id"
DELETED_COLUMN = "_procore_deleted"
SCOPE_COLUMNS: dict[str, str] = {
    "company": COMPANY_COLUMN,
    "project": PROJECT_COLUMN,
    "parent": PARENT_COLUMN,
}

# Budget detail and summary rows carry one key per visible view column, named by the
# column's display name (docs/procore-api.md#budget-views-and-rows). These are Procore's
# own snake_case names for the same figures (the budget line item show); a custom column not
# listed here gets a plain snake_case name.
BUDGET_DISPLAY_NAMES: dict[str, str] = {
    "Original Budget Amount": "original_budget_amount",
    "Budget Modifications": "budget_modifications",
    "Approved COs": "approved_budget_changes",
    "Revised Budget": "revised_budget",
    "Pending Budget Changes": "pending_budget_changes",
    "Projected Budget": "projected_budget",
    "Committed Costs": "committed_costs",
    "Direct Costs": "direct_costs",
    "Job to Date Costs": "job_to_date_costs",
    "Pending Cost Changes": "pending_cost_changes",
    "Projected Costs": "projected_costs",
    "Forecast To Complete": "budget_forecast",
    "Estimated Cost at Completion": "estimated_cost_at_completion",
    "Projected over Under": "projected_over_under",
}


def snake_case(name: str) -> str:
    """A display name as a column name: ``"Job to Date Costs"`` → ``job_to_date_costs``."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


@dataclass(frozen=True)
class ListSpec:
    """One Procore list endpoint and how its raw table is kept in sync.

    Attributes:
        name: The raw table (and dlt resource) name.
        path: The URL path; ``{company_id}``, ``{project_id}`` and ``{parent_id}`` are filled in.
        scope: ``company``, ``project`` or ``parent``.
        sync: ``incremental``, ``full`` or ``date_window``.
        params: Query parameters, with the same placeholders as ``path``.
        parent: For ``parent`` scope, the entry whose records this one belongs to.
        paginated: False for the few lists that come in one piece.
        include_deleted: The list takes ``filters[include_deleted]=with``, so soft
            deletions arrive as rows with ``deleted_at``.
        primary_key: Key columns within the scope; the scope column is prepended.
        columns: dlt column hints: types that must hold even when a load has only nulls,
            and nested values kept as JSON (``as_json``). Nested objects otherwise become
            ``<field>__<subfield>`` columns; nested lists are JSON columns.
        renames: Payload keys renamed before loading (budget display names).
        envelope: ``array``, or ``grouped`` for v1.0 meetings (``[{group_title, meetings}]``).
        date_field: For ``date_window``, the record's own date field.
        versioned: The records carry ``updated_at``: of two versions of a record read in
            one load (it changed between two page reads), the newer is kept.
    """

    name: str
    path: str
    scope: Scope
    sync: Sync
    params: dict[str, str] = field(default_factory=dict)
    parent: str | None = None
    paginated: bool = True
    include_deleted: bool = False
    primary_key: tuple[str, ...] = ("id",)
    columns: TTableSchemaColumns = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    envelope: Literal["array", "grouped"] = "array"
    date_field: str | None = None
    versioned: bool = True

    @property
    def scope_column(self) -> str:
        """The loader column naming the company, project or parent the row was listed in."""
        return SCOPE_COLUMNS[self.scope]

    @property
    def key(self) -> tuple[str, ...]:
        """The raw table's primary key: the scope column, then the record's own key.

        Records repeat across scopes (a user is listed in every project it works on), so
        the record id alone is not unique in the table.
        """
        return (self.scope_column, *self.primary_key)


PROJECT_ID = {"project_id": "{project_id}"}
COMPANY_ID = {"company_id": "{company_id}"}

CATALOG: tuple[ListSpec, ...] = (
    # -- company lists ------------------------------------------------------------------------
    ListSpec("companies", "/rest/v1.0/companies", "company", "full", versioned=False),
    ListSpec(
        "projects",
        "/rest/v1.0/projects",
        "company",
        "full",
        params=COMPANY_ID,
        columns=PROJECT_COLUMNS,
    ),
    ListSpec(
        "company_projects",
        "/rest/v1.0/companies/{company_id}/projects",
        "company",
        "full",
        paginated=False,
        columns=as_json("open_items"),
        versioned=False,
    ),
    ListSpec(
        "vendors",
        "/rest/v1.0/vendors",
        "company",
        "incremental",
        params=COMPANY_ID,
        columns=as_json(
            "trades", "bidding_distribution", "project_ids", "standard_cost_codes", "attachments"
        ),
    ),
    ListSpec("company_users", "/rest/v1.0/companies/{company_id}/users", "company", "incremental"),
    ListSpec(
        "change_types",
        "/rest/v1.0/change_types",
        "company",
        "full",
        params=COMPANY_ID,
        versioned=False,
    ),
    ListSpec(
        "change_order_change_reasons",
        "/rest/v1.0/change_order_change_reasons",
        "company",
        "full",
        params=COMPANY_ID,
        versioned=False,
    ),
    ListSpec(
        "line_item_types",
        "/rest/v1.0/line_item_types",
        "company",
        "full",
        params=COMPANY_ID,
        versioned=False,
    ),
    ListSpec(
        "submittal_statuses",
        "/rest/v1.0/companies/{company_id}/submittal_statuses",
        "company",
        "full",
        versioned=False,
    ),
    # -- project directory and codes ----------------------------------------------------------
    ListSpec("project_users", "/rest/v1.0/projects/{project_id}/users", "project", "incremental"),
    ListSpec(
        "project_vendors",
        "/rest/v1.0/projects/{project_id}/vendors",
        "project",
        "full",
        columns=as_json(
            "trades", "bidding_distribution", "project_ids", "standard_cost_codes", "attachments"
        ),
    ),
    ListSpec(
        "cost_codes",
        "/rest/v1.0/cost_codes",
        "project",
        "full",
        params=PROJECT_ID,
        columns=as_json("line_item_types"),
    ),
    ListSpec(
        "wbs_codes",
        "/rest/v1.0/projects/{project_id}/work_breakdown_structure/wbs_codes",
        "project",
        "incremental",
    ),
    # -- budget: always re-read in full -------------------------------------------------------
    ListSpec("budget_views", "/rest/v1.0/budget_views", "project", "full", params=PROJECT_ID),
    ListSpec(
        "budget_detail_columns",
        "/rest/v1.0/budget_views/{parent_id}/budget_detail_columns",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="budget_views",
        paginated=False,
        versioned=False,
    ),
    ListSpec(
        "budget_view_detail_rows",
        "/rest/v1.0/budget_views/{parent_id}/detail_rows",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="budget_views",
        # `id` is null on unbudgeted rows; `budget_row_id` never is.
        primary_key=("budget_row_id",),
        renames=BUDGET_DISPLAY_NAMES,
        columns={"budget_row_id": {"data_type": "text", "nullable": False}},
        versioned=False,
    ),
    ListSpec(
        "budget_view_summary_rows",
        "/rest/v1.0/budget_views/{parent_id}/summary_rows",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="budget_views",
        renames=BUDGET_DISPLAY_NAMES,
        columns={
            "id": {"data_type": "text", "nullable": False},
            **as_json("budget_line_item_ids"),
        },
        versioned=False,
    ),
    # -- contracts ----------------------------------------------------------------------------
    # One prime contract per project: a full read costs the same single request as an
    # incremental one, and hands every contract to its children on every run.
    ListSpec(
        "prime_contracts",
        "/rest/v1.0/prime_contracts",
        "project",
        "full",
        params=PROJECT_ID,
        columns=as_json("attachments"),
    ),
    ListSpec(
        "prime_contract_line_items",
        "/rest/v1.0/prime_contracts/{parent_id}/line_items",
        "parent",
        "incremental",
        params=PROJECT_ID,
        parent="prime_contracts",
    ),
    ListSpec(
        "change_order_requests",
        "/rest/v1.0/change_order_requests",
        "parent",
        "incremental",
        params={**PROJECT_ID, "contract_id": "{parent_id}"},
        parent="prime_contracts",
    ),
    ListSpec(
        "purchase_order_contracts",
        "/rest/v1.0/purchase_order_contracts",
        "project",
        "incremental",
        params=PROJECT_ID,
        include_deleted=True,
    ),
    ListSpec(
        "purchase_order_contract_line_items",
        "/rest/v1.0/purchase_order_contracts/{parent_id}/line_items",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="purchase_order_contracts",
    ),
    ListSpec(
        "work_order_contracts",
        "/rest/v1.0/work_order_contracts",
        "project",
        "incremental",
        params=PROJECT_ID,
        include_deleted=True,
    ),
    ListSpec(
        "work_order_contract_line_items",
        "/rest/v1.0/work_order_contracts/{parent_id}/line_items",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="work_order_contracts",
    ),
    ListSpec(
        "commitments",
        "/rest/v1.0/commitments",
        "project",
        "full",
        params=PROJECT_ID,
        versioned=False,
    ),
    # -- change management --------------------------------------------------------------------
    ListSpec(
        "commitment_change_orders",
        "/rest/v1.0/projects/{project_id}/commitment_change_orders",
        "project",
        "incremental",
        paginated=False,
        columns=as_json("change_events"),
    ),
    ListSpec(
        "prime_change_orders",
        "/rest/v1.0/projects/{project_id}/prime_change_orders",
        "project",
        "incremental",
        paginated=False,
        columns=as_json("change_events"),
    ),
    ListSpec(
        "change_order_packages",
        "/rest/v1.0/change_order_packages",
        "project",
        "incremental",
        params=PROJECT_ID,
        include_deleted=True,
    ),
    ListSpec(
        "potential_change_orders",
        "/rest/v1.0/potential_change_orders",
        "project",
        "incremental",
        params=PROJECT_ID,
        include_deleted=True,
    ),
    ListSpec(
        "potential_change_order_line_items",
        "/rest/v1.0/potential_change_orders/{parent_id}/line_items",
        "parent",
        "full",
        params=PROJECT_ID,
        parent="potential_change_orders",
    ),
    ListSpec(
        "change_events",
        "/rest/v1.0/change_events",
        "project",
        "incremental",
        params=PROJECT_ID,
        include_deleted=True,
        columns=as_json("attachments", "rfqs"),
    ),
    ListSpec(
        "change_event_statuses",
        "/rest/v1.0/change_event/statuses",
        "project",
        "full",
        params=PROJECT_ID,
        versioned=False,
    ),
    # -- field work and documents -------------------------------------------------------------
    ListSpec(
        "rfis",
        "/rest/v1.0/projects/{project_id}/rfis",
        "project",
        "incremental",
        include_deleted=True,
        columns=RFI_COLUMNS,
    ),
    # Replies have no `updated_at` filter: they are re-read for the RFIs that changed, and
    # for every RFI at reconciliation.
    ListSpec(
        "rfi_replies",
        "/rest/v1.0/projects/{project_id}/rfis/{parent_id}/replies",
        "parent",
        "full",
        parent="rfis",
        columns=as_json("attachments"),
        versioned=False,
    ),
    ListSpec(
        "submittals",
        "/rest/v1.1/projects/{project_id}/submittals",
        "project",
        "incremental",
        columns=as_json(
            "associated_attachments", "drawing_ids", "linked_drawing_ids", "ball_in_court"
        ),
    ),
    ListSpec(
        "direct_costs",
        "/rest/v1.1/projects/{project_id}/direct_costs",
        "project",
        "incremental",
    ),
    ListSpec(
        "direct_cost_line_items",
        "/rest/v1.0/projects/{project_id}/direct_costs/line_items",
        "project",
        "incremental",
    ),
    ListSpec(
        "requisitions",
        "/rest/v1.1/requisitions",
        "project",
        "incremental",
        params=PROJECT_ID,
        columns=as_json("attachments", "item_packages"),
    ),
    ListSpec(
        "meetings",
        "/rest/v1.0/meetings",
        "project",
        "full",
        params=PROJECT_ID,
        envelope="grouped",
    ),
    ListSpec(
        "manpower_logs",
        "/rest/v1.0/projects/{project_id}/manpower_logs",
        "project",
        "date_window",
        date_field="date",
        columns=as_json("attachments"),
    ),
    ListSpec(
        "daily_log_headers",
        "/rest/v1.0/projects/{project_id}/daily_log_headers/index",
        "project",
        "date_window",
        date_field="log_date",
        versioned=False,
    ),
)

BY_NAME: dict[str, ListSpec] = {endpoint.name: endpoint for endpoint in CATALOG}


def children_of(name: str) -> tuple[ListSpec, ...]:
    """The entries listed once per record of ``name``."""
    return tuple(endpoint for endpoint in CATALOG if endpoint.parent == name)
