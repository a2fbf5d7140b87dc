"""Financial records: cost codes, budgets, contracts, change management, costs.

Every project gets a cost code tree, budget codes (WBS codes) with one budget view and its
rows, a prime contract with its schedule of values, subcontracts and purchase orders, change
events feeding potential change orders, change order requests and change order packages on
the prime side and commitment change orders on the commitment side, direct costs and
subcontractor invoices (requisitions). Their shapes: docs/procore-api.md#the-lists-we-read.

The budget rows are never invented: ``compute_budget_rows`` derives every column from the
generated contracts, change orders and costs, the way Procore's Standard Budget view does
(docs/decisions.md#budget-vs-commitments-fct_budget_vs_commitments), so a warehouse built on
the sandbox can reconcile to the cent.

Money is handled in integer cents while generating and as ``Decimal`` in the budget arithmetic;
it is served as JSON strings. Instants are handled as integer epoch seconds because
record generation at the ``large`` scale must stay cheap.

One module per Procore tool, each with its ``advance`` step: ``cost_codes``, ``budget``,
``contracts`` (prime contracts and commitments), ``change_events``, ``change_orders``
(PCOs, CORs, packages, commitment change orders) and ``costs`` (direct costs and
requisitions); ``context`` holds the shared helpers and a project's context,
``generation`` runs the tools in order.
"""

from .budget import BUDGET_COLUMNS, DISPLAY_COLUMNS, compute_budget_rows
from .change_orders import PENDING_STATUSES, TERMINAL_STATUSES
from .contracts import COMMITTED_PO_STATUSES, COMMITTED_WO_STATUSES, refresh_contract_totals
from .costs import COUNTED_DIRECT_COST_STATUSES
from .generation import advance_financials, generate_financials

# Every resource key this domain serves (a contract file in sandbox/contracts each).
RESOURCES = (
    "cost_codes", "line_item_types", "wbs_codes", "budget_views", "budget_view_detail_rows",
    "budget_view_summary_rows", "budget_detail_columns", "prime_contracts",
    "prime_contract_line_items", "purchase_order_contracts", "purchase_order_contract_line_items",
    "work_order_contracts", "work_order_contract_line_items", "commitments",
    "commitment_change_orders", "prime_change_orders", "change_order_packages",
    "potential_change_orders", "potential_change_order_line_items", "change_order_requests",
    "change_events", "change_event_statuses", "change_order_change_reasons", "change_types",
    "direct_costs", "direct_cost_line_items", "requisitions",
)  # fmt: skip

__all__ = [
    "BUDGET_COLUMNS",
    "COMMITTED_PO_STATUSES",
    "COMMITTED_WO_STATUSES",
    "COUNTED_DIRECT_COST_STATUSES",
    "DISPLAY_COLUMNS",
    "PENDING_STATUSES",
    "RESOURCES",
    "TERMINAL_STATUSES",
    "advance_financials",
    "compute_budget_rows",
    "generate_financials",
    "refresh_contract_totals",
]
