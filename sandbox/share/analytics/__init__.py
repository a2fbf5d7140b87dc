"""The Procore Analytics 2.0 tables the sandbox shares: their columns and how rows are made.

Procore Analytics hands a customer its data as a Delta Share of snake_case tables
(docs/procore-analytics.md). This module describes the tables the warehouse's marts need
under Procore Analytics' names and column conventions, and builds their rows from the same
generated ``Company`` the REST API serves, so both doors show one company at one moment:

- every table is keyed by ``<entity>_id`` (the table name in the singular, ``rfis_bic`` ->
  ``rfi_bic_id``); there is no bare ``id``. A row that stands for a pair of records (a user on
  a project, a user holding an RFI) has a string key ``"<a>_<b>"``, the form Procore uses for
  its composite ids;
- every table carries ``company_id`` (one token may see several companies, so their rows
  share a table), and every project-level table ``project_id``, both bigint;
- money is ``decimal(38,5)``, in project and company currency (``<amount>_project_currency``,
  ``<amount>_company_currency``) and, where Procore also publishes the unsuffixed form (the
  record's own currency), that too. The generated company works in US dollars only, so the
  figures of one amount are equal;
- ``created_at``, ``updated_at`` and ``audit_transaction_timestamp`` close every table, as UTC
  timestamps; rows made from a nested list carry the timestamps of the record holding it;
- only live records: soft-deleted records (``deleted_at`` set), records gone from the
  company, and the children of either are left out. There is no delete marker.

One module per Procore tool area builds its tables' rows and declares their specs (``core``,
``budget``, ``contracts``, ``change_orders``, ``change_events``, ``costs``,
``project_management``); ``columns`` holds the column types and spec helpers, ``values``
the conversions of REST values (money triplets, dates, timestamps, ids) they share.

Rows are plain dicts with exactly the table's column names, in Python values (int, str,
bool, ``Decimal``, ``date``, aware ``datetime``); ``sandbox.share.tables`` turns them into
Arrow tables and Delta versions. Budget figures are the REST budget detail rows' own,
computed by ``sandbox.domain.financials.compute_budget_rows``; nothing here recomputes them.
"""

from __future__ import annotations

from .budget import BUDGET_TABLES
from .change_events import CHANGE_EVENT_TABLES
from .change_orders import COMMITMENT_CHANGE_TABLES, PRIME_CHANGE_TABLES
from .columns import (
    AUDIT_COLUMNS,
    DOMAINS,
    MONEY,
    NAIVE_TIMESTAMP,
    UTC_TIMESTAMP,
    Column,
    TableSpec,
    singular,
)
from .contracts import COMMITMENT_TABLES, PRIME_CONTRACT_TABLES
from .core import CORE_TABLES
from .costs import COST_TABLES
from .project_management import PROJECT_MANAGEMENT_TABLES

__all__ = [
    "AUDIT_COLUMNS",
    "DOMAINS",
    "MONEY",
    "NAIVE_TIMESTAMP",
    "SHARE_TABLES",
    "UTC_TIMESTAMP",
    "Column",
    "TableSpec",
    "singular",
]

# Every shared table, in the order the share has always listed (and written) them: each
# contract side's tables, then its change order tables.
SHARE_TABLES: tuple[TableSpec, ...] = (
    *CORE_TABLES,
    *BUDGET_TABLES,
    *COMMITMENT_TABLES,
    *COMMITMENT_CHANGE_TABLES,
    *PRIME_CONTRACT_TABLES,
    *PRIME_CHANGE_TABLES,
    *CHANGE_EVENT_TABLES,
    *COST_TABLES,
    *PROJECT_MANAGEMENT_TABLES,
)
