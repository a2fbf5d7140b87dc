"""What ``pcw`` prints, at three levels: ``--quiet``, the default, and ``--verbose``.

On a terminal a load and a build draw progress bars (rich) on stderr; anywhere else (cron,
an orchestrator's log) they print plain lines instead, so a log file holds text, not
cursor movements. Results go to stdout, warnings and errors to stderr: ``--quiet`` keeps
only the warnings and errors, for a scheduler that mails whatever a job prints.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Verbosity(IntEnum):
    """How much ``pcw`` says."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


@dataclass
class Output:
    """Where and how much ``pcw`` prints.

    Args:
        verbosity: ``--quiet``, the default or ``--verbose``.
        stdout: Results (what a load loaded, the warehouse summary).
        stderr: Warnings, errors and progress.
    """

    verbosity: Verbosity = Verbosity.NORMAL
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def quiet(self) -> bool:
        """Only warnings and errors are printed."""
        return self.verbosity == Verbosity.QUIET

    @property
    def verbose(self) -> bool:
        """Details are printed too: progress every second, dbt's own log on a terminal."""
        return self.verbosity == Verbosity.VERBOSE

    @property
    def interactive(self) -> bool:
        """True when progress can be drawn as bars: stderr is a terminal."""
        return self._console().is_terminal

    def result(self, line: str) -> None:
        """A line of what a command did or found (stdout; not under ``--quiet``)."""
        if not self.quiet:
            print(line, file=self.stdout, flush=True)

    def detail(self, line: str) -> None:
        """A line only ``--verbose`` shows (stderr)."""
        if self.verbose:
            print(f"pcw: {line}", file=self.stderr, flush=True)

    def warning(self, line: str) -> None:
        """A warning, shown at every level (stderr)."""
        print(f"pcw: warning: {line}", file=self.stderr, flush=True)

    def _console(self) -> Console:
        return Console(file=self.stderr, stderr=self.stderr is sys.stderr)

    @contextmanager
    def load_progress(self, unit: str = "lists") -> Iterator[LoadProgress]:
        """The display of a load's progress: bars on a terminal, plain lines elsewhere.

        Args:
            unit: What the load counts as it reads: ``lists`` (REST) or ``files`` (a share).
        """
        if self.quiet:
            yield LoadProgress()
        elif self.interactive:
            with _bars(self._console()) as bars:
                yield _LoadBars(bars, unit)
        else:
            yield _LoadLines(self.stderr, unit, every_seconds=1.0 if self.verbose else 5.0)

    @contextmanager
    def build_progress(self) -> Iterator[BuildProgress]:
        """The display of a dbt build: one bar of dbt's nodes on a terminal.

        Elsewhere dbt's own log passes through, except under ``--quiet``; ``--verbose``
        passes it through on a terminal too.
        """
        if self.quiet:
            yield BuildProgress()
        elif self.verbose or not self.interactive:
            yield _BuildLog(self.stdout)
        else:
            with _bars(self._console()) as bars:
                yield _BuildBar(bars)


def _bars(console: Console) -> Progress:
    # Bars vanish when done: the summary printed after them says the same, once.
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


class LoadProgress:
    """Told ``(resource, units read, units planned, rows read)`` as a load goes.

    A unit is a list of the REST API or a data file of a share. Keeps the last counts per
    resource (``read``: units and rows); shows nothing itself.
    """

    def __init__(self) -> None:
        self.read: dict[str, tuple[int, int]] = {}

    def __call__(self, resource: str, lists: int, planned: int, rows: int) -> None:
        """Take one resource's counts."""
        self.read[resource] = (lists, rows)
        self.show(resource, lists, planned, rows)

    def show(self, resource: str, lists: int, planned: int, rows: int) -> None:
        """Show one resource's counts (here: not at all)."""


class _LoadBars(LoadProgress):
    """A bar of every unit read out of those planned, and one per resource being read.

    A resource's bar shows while it has units left to read, so the display stays as tall as
    the work in flight, not as the catalog.
    """

    def __init__(self, bars: Progress, unit: str) -> None:
        super().__init__()
        self.bars = bars
        self.total = bars.add_task(f"all {unit}", total=0, detail="")
        self.tasks: dict[str, TaskID] = {}
        self.counts: dict[str, tuple[int, int, int]] = {}

    def show(self, resource: str, lists: int, planned: int, rows: int) -> None:
        task = self.tasks.get(resource)
        if task is None:
            task = self.tasks[resource] = self.bars.add_task(resource, total=planned, detail="")
        self.counts[resource] = (lists, planned, rows)
        self.bars.update(
            task, completed=lists, total=planned, detail=f"{rows:,} rows", visible=lists < planned
        )
        self.bars.update(
            self.total,
            completed=sum(lists for lists, _, _ in self.counts.values()),
            total=sum(planned for _, planned, _ in self.counts.values()),
            detail=f"{sum(rows for _, _, rows in self.counts.values()):,} rows",
        )


class _LoadLines(LoadProgress):
    """What the load has read so far, per resource that moved, every few seconds."""

    def __init__(self, stream: TextIO, unit: str, every_seconds: float) -> None:
        super().__init__()
        self.stream = stream
        self.unit = unit
        self.every_seconds = every_seconds
        self.last = time.monotonic()
        self.changed: dict[str, tuple[int, int, int]] = {}

    def show(self, resource: str, lists: int, planned: int, rows: int) -> None:
        self.changed[resource] = (lists, planned, rows)
        if time.monotonic() - self.last < self.every_seconds:
            return
        self.last = time.monotonic()
        read = ", ".join(
            f"{name} {rows:,} rows ({lists:,}/{planned:,} {self.unit})"
            for name, (lists, planned, rows) in self.changed.items()
        )
        self.changed = {}
        print(f"pcw: reading {read}", file=self.stream, flush=True)


# dbt logs a line when a node ends: "12:00:01  3 of 250 OK created sql table model ...".
DBT_NODE_DONE = re.compile(r"\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")


class BuildProgress:
    """Told every line dbt prints; shows none of them."""

    def __call__(self, line: str) -> None:
        """Take one line of dbt's output."""


class _BuildLog(BuildProgress):
    """dbt's own log, line by line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, line: str) -> None:
        self.stream.write(line)
        self.stream.flush()


class _BuildBar(BuildProgress):
    """One bar of the nodes dbt has finished, out of those it plans to run."""

    def __init__(self, bars: Progress) -> None:
        self.bars = bars
        self.task = bars.add_task("dbt build", total=None, detail="")
        self.failed = 0

    def __call__(self, line: str) -> None:
        done = DBT_NODE_DONE.search(line)
        if done is None:
            return
        if done.group(3) in {"ERROR", "FAIL"}:
            self.failed += 1
        detail = f"{self.failed} failed" if self.failed else ""
        self.bars.update(
            self.task, completed=int(done.group(1)), total=int(done.group(2)), detail=detail
        )
