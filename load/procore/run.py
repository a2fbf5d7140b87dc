"""What one run of the Procore source shares, and the time format its windows are written in.

The ``Run`` state every resource of a run reads and fills (clients, clock, options, counters,
cursors), the ``Progress`` it reports, and Procore's timestamps as its filters take them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from .arrow import PageReader
from .client import ProcoreClient, RequestStats
from .existing_keys import ExistingKeys
from .settings import CLOCK_SKEW_MARGIN

Row = dict[str, Any]


def procore_time(moment: datetime) -> str:
    """A moment as Procore's filters take it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_procore_time(value: str) -> datetime:
    """A timestamp Procore wrote (or ``procore_time`` did) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class Progress:
    """Lists and rows read per resource, reported to a callback as the load goes.

    The callback is told ``(resource, lists read, lists planned, rows read)``. A resource's
    lists are planned when the records they hang under are known (the projects, or a batch
    of parent records), so the planned count of a child resource grows as its parents
    arrive.
    """

    report: Callable[[str, int, int, int], None] | None = None
    rows: dict[str, int] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)

    def plan(self, resource: str, lists: int) -> None:
        """Count lists of one resource about to be read."""
        self.planned[resource] = self.planned.get(resource, 0) + lists
        self._report(resource)

    def add(self, resource: str, rows: int, lists: int = 0) -> None:
        """Count rows (and finished lists) of one resource and pass the totals on."""
        self.rows[resource] = self.rows.get(resource, 0) + rows
        self.lists[resource] = self.lists.get(resource, 0) + lists
        self._report(resource)

    def _report(self, resource: str) -> None:
        if self.report is not None:
            lists = self.lists.get(resource, 0)
            planned = max(lists, self.planned.get(resource, 0))
            self.report(resource, lists, planned, self.rows.get(resource, 0))


@dataclass
class Run:
    """What every resource of one run shares: clients, clock, options and counters."""

    clients: dict[int, ProcoreClient]
    stats: RequestStats
    progress: Progress
    per_page: int
    page_workers: int
    start: datetime
    status_filter: str
    project_ids: set[int] | None
    reconcile_every: timedelta
    lookback: timedelta
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    existing: ExistingKeys = field(default_factory=ExistingKeys)
    # Per entry, the ids of records an incremental read returned only because of the
    # overlap (not updated since the previous cursor); their children are not re-read.
    unchanged: dict[str, set[Any]] = field(default_factory=dict)
    # Per entry, its cursors and reconciliation times in the dlt resource state.
    sync_states: dict[str, tuple[dict[str, str], dict[str, str]]] = field(default_factory=dict)
    # Per entry whose long pages can go straight from JSON to Arrow, its reader.
    readers: dict[str, PageReader] = field(default_factory=dict)
    # Per entry appended this run (its first load), the scopes whose lists were read; an
    # entry leaves it, and is merged again, when a list or a key comes twice.
    appending: dict[str, set[Any]] = field(default_factory=dict)
    # Per entry, the write disposition its last table went to dlt with.
    dispositions: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def window_end(self) -> str:
        """The end of every incremental window: "now" on our clock plus a margin.

        A Procore clock running ahead of ours then cannot hide a record; the cursor itself is
        the newest `updated_at` actually seen, never this bound.
        """
        return procore_time(self.now + CLOCK_SKEW_MARGIN)

    @property
    def stopped(self) -> bool:
        """True once the hourly budget ran out under the "stop" policy."""
        return self.stats.stopped_early is not None
