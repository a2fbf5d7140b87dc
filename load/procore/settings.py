"""Constants of the Procore source: hosts, page sizes, cursors and raw column types."""

from __future__ import annotations

from datetime import timedelta

from dlt.common.schema.typing import TTableSchemaColumns

# Each environment pairs a login host with an API host, and tokens from one environment are
# not valid in another (docs/procore-api.md#environments-and-hosts).
ENVIRONMENTS: dict[str, tuple[str, str]] = {
    "production": ("https://login.procore.com", "https://api.procore.com"),
    "developer_sandbox": ("https://login-sandbox.procore.com", "https://sandbox.procore.com"),
    "monthly_sandbox": (
        "https://login-sandbox-monthly.procore.com",
        "https://api-monthly.procore.com",
    ),
}

# Procore's documented maximum moved from 10,000 to a recommended 2,000; 1,000 is the safe
# middle (docs/procore-api.md#pagination).
DEFAULT_PER_PAGE = 1000
DEFAULT_START_DATE = "2000-01-01"

# Procore does not say whether `updated_at` range ends are inclusive: re-read a short window
# before each cursor and let the merge on the table's key drop the duplicates
# (docs/procore-api.md#date-ranges).
CURSOR_OVERLAP = timedelta(minutes=5)
# The end of an incremental window is "now" on our clock plus a margin, so that a Procore
# clock running ahead of ours cannot hide a record; the cursor itself is the newest
# `updated_at` actually seen, never this bound.
CLOCK_SKEW_MARGIN = timedelta(hours=1)

# `filters[by_status]` of the project list: without it only active projects come back.
PROJECT_STATUS_FILTERS = {"all": "All", "active": "Active", "inactive": "Inactive"}

REQUEST_TIMEOUT_SECONDS = 60
MAX_ATTEMPTS = 5  # for 5xx, connection resets and unreadable pages
BACKOFF_SECONDS = 0.5  # doubled after each failed attempt
# On 429, or when `X-Rate-Limit-Remaining` reaches 0, wait for `X-Rate-Limit-Reset`. A
# wait longer than this is the hourly budget running out, not the 10-second spike window:
# under the "stop" policy the run ends there and the next run resumes.
LONG_RATE_LIMIT_WAIT_SECONDS = 60
MAX_RATE_LIMIT_WAIT_SECONDS = 3700  # never sleep past one hourly window (clock-skew guard)
MAX_RATE_LIMITED_RETRIES = 20  # 429s in a row for one request before giving up
RATE_LIMIT_POLICIES = ("wait", "stop")

# Raw column types that must exist even when every value of a load is null, because staging
# models select them by name; and the ones whose JSON type alone would land them as text.
PROJECT_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "bigint", "nullable": False},
    "company__id": {"data_type": "bigint"},
    "total_value": {"data_type": "text"},
    "start_date": {"data_type": "date"},
    "completion_date": {"data_type": "date"},
    "projected_finish_date": {"data_type": "date"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
}

_USER_REF = ("id", "login", "name")
RFI_COLUMNS: TTableSchemaColumns = {
    "id": {"data_type": "bigint", "nullable": False},
    "number": {"data_type": "text"},
    "full_number": {"data_type": "text"},
    "prefix": {"data_type": "text"},
    "subject": {"data_type": "text"},
    "status": {"data_type": "text"},
    "reference": {"data_type": "text"},
    "due_date": {"data_type": "date"},
    "initiated_at": {"data_type": "timestamp"},
    "time_resolved": {"data_type": "timestamp"},
    "deleted_at": {"data_type": "timestamp"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
    "location__id": {"data_type": "bigint"},
    "location__name": {"data_type": "text"},
    "responsible_contractor__id": {"data_type": "bigint"},
    "responsible_contractor__name": {"data_type": "text"},
    "cost_code__id": {"data_type": "bigint"},
    "cost_code__name": {"data_type": "text"},
    "cost_impact__status": {"data_type": "text"},
    "cost_impact__value": {"data_type": "double"},
    "schedule_impact__status": {"data_type": "text"},
    "schedule_impact__value": {"data_type": "bigint"},
    **{
        f"{person}__{field}": {"data_type": "bigint" if field == "id" else "text"}
        for person in ("assignee", "ball_in_court", "rfi_manager", "received_from", "created_by")
        for field in _USER_REF
    },
}
