"""Constants of the Procore source: hosts, page sizes, cursors, timeouts and rate limits."""

from __future__ import annotations

from datetime import timedelta

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
# Pages (or child lists) of one list fetched at the same time; small, for Procore's spike
# window.
DEFAULT_PAGE_WORKERS = 4
# Days before the newest daily log already loaded that each run reads again: logs are
# completed and approved days after their date, which is what their filter reads.
DEFAULT_DAILY_LOG_LOOKBACK_DAYS = 14
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
