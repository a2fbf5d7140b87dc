"""Constants of the Procore Analytics source: HTTP behaviour, batch sizes and raw columns.

The reasons behind these values are in docs/procore-analytics-loader.md.
"""

from __future__ import annotations

# The one share credentials version Procore hands out: endpoint + bearer token (+ expiry).
PROFILE_VERSION = 1
# The form of every setting of `[sources.procore_analytics]`, for error messages.
SETTINGS_SECTION = "sources.procore_analytics"

# Calls to the sharing server (list, version, query, changes) and file downloads.
CONNECT_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 120
# Connection failures, 429 and 5xx are retried this many times in all, waiting
# BACKOFF_SECONDS, then twice as long each time: an unreachable endpoint fails in seconds,
# a server restarting for a moment does not end the run.
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
# Data files are written to a temporary file in chunks of this size, then read back one
# record batch at a time: memory holds a chunk and a batch, never a whole file or table.
DOWNLOAD_CHUNK_BYTES = 1 << 20
BATCH_ROWS = 50_000
# Tables read whole have this many of their files downloaded at once, one per thread, shared
# by every table of the run: downloads wait on the network, and the few files that are not
# kept as downloaded are decoded and written back by Arrow, which does not hold the GIL.
# Memory holds at most a batch per thread.
FILE_WORKERS = 6
# How a table's raw rows are written for dlt to import: the Parquet version dlt writes
# itself; no dictionaries and no statistics, which DuckDB does not need to insert the rows and
# which were half the cost of writing them; snappy, which costs little and keeps the file a
# quarter of its plain size on disk.
PART_FILE_OPTIONS = {
    "version": "2.4",
    "compression": "snappy",
    "use_dictionary": False,
    "write_statistics": False,
}
# A file URL that expires within this margin is renewed (the table is queried again) before
# it is downloaded, rather than downloaded until it fails.
URL_RENEWAL_MARGIN_SECONDS = 60
# How many times one file's URL is renewed before the run gives up on it (a server whose
# URLs are expired when handed out would otherwise be queried forever).
MAX_URL_RENEWALS = 3

# Columns the loader adds to every raw table. `_delta_version` is the table version a row was
# read at (a snapshot) or changed in (the change data feed); merges keep the highest.
VERSION_COLUMN = "_delta_version"
# Set on rows of the change data feed that delete a record; such rows never reach the raw
# table (dlt's `hard_delete`), so the column is always null there.
DELETED_COLUMN = "_delta_deleted"
# The change data feed's own columns (delta-sharing client naming).
CHANGE_TYPE_COLUMN = "_change_type"
UPSERT_CHANGES = ("insert", "update_postimage")
DELETE_CHANGES = ("delete",)
