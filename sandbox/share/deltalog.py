"""Read a local Delta table's transaction log: snapshots, commit times and change actions.

The sharing server needs the raw log actions (the delta response format wraps them as they
are: docs/procore-analytics.md, "The sharing server"), so the log is replayed here instead of
going through ``deltalake.DeltaTable``, which hands out its own view of the actions.

Replay starts from commit 0 when every JSON commit is still there; otherwise from the newest
checkpoint at or before the wanted version (``NNN.checkpoint.parquet``, single or multi-part),
read with pyarrow. deltalake writes a checkpoint every 100 commits by default and keeps the
JSON commits (log retention is 30 days), so the checkpoint path matters only for old or
cleaned-up tables. V2 (UUID-named) checkpoints and log compaction files are not read.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

__all__ = ["Commit", "DeltaLog", "DeltaLogError", "Snapshot", "is_delta_table"]

_COMMIT = re.compile(r"^(\d{20})\.json$")
_CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$")
# Map-typed fields of checkpoint rows: pyarrow gives maps as lists of (key, value) pairs.
_MAP_FIELDS = {
    "add": ("partitionValues", "tags"),
    "remove": ("partitionValues", "tags"),
    "metaData": ("configuration",),
}


class DeltaLogError(Exception):
    """A version or timestamp the log cannot answer (the server turns it into a 400)."""


@dataclass(frozen=True)
class Commit:
    """One commit: its version, its timestamp (epoch ms) and its actions in log order."""

    version: int
    timestamp: int
    actions: list[dict[str, Any]]


@dataclass
class Snapshot:
    """The table state at one version: protocol, metaData and the live ``add`` actions."""

    version: int
    protocol: dict[str, Any]
    metadata: dict[str, Any]
    files: list[dict[str, Any]] = field(default_factory=list)


def is_delta_table(path: Path) -> bool:
    """True when ``path`` holds a ``_delta_log`` with at least one commit or checkpoint."""
    log = path / "_delta_log"
    try:
        names = os.listdir(log)
    except OSError:
        return False
    return any(_COMMIT.match(name) or _CHECKPOINT.match(name) for name in names)


@functools.lru_cache(maxsize=4096)
def _read_commit(path: str, mtime_ns: int, size: int) -> tuple[int | None, list[dict[str, Any]]]:
    """Parse one JSON commit; cached by (path, mtime, size) because commits are immutable."""
    actions: list[dict[str, Any]] = []
    timestamp: int | None = None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            action = json.loads(line)
            actions.append(action)
            info = action.get("commitInfo")
            if isinstance(info, dict):
                # In-commit timestamps win when the table has them (Delta PROTOCOL.md).
                stamp = info.get("inCommitTimestamp", info.get("timestamp"))
                if isinstance(stamp, int):
                    timestamp = stamp
    return timestamp, actions


def _file_key(action: dict[str, Any]) -> tuple[str, str]:
    """A live file is a path plus its deletion vector (Delta PROTOCOL.md "Reconciliation")."""
    dv = action.get("deletionVector") or {}
    dv_id = f"{dv.get('storageType', '')}{dv.get('pathOrInlineDv', '')}@{dv.get('offset', '')}"
    return action["path"], dv_id if dv else ""


def _clean_checkpoint_action(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """Turn a checkpoint row back into the JSON form of the action."""
    value = {k: v for k, v in value.items() if not k.endswith("_parsed")}
    for name in _MAP_FIELDS.get(kind, ()):
        if isinstance(value.get(name), list):
            value[name] = dict(value[name])
    if kind == "metaData" and isinstance(value.get("format"), dict):
        options = value["format"].get("options")
        if isinstance(options, list):
            value["format"] = {**value["format"], "options": dict(options)}
    return value


class DeltaLog:
    """The transaction log of one Delta table directory, read fresh on each call."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log_dir = root / "_delta_log"
        self._commits: dict[int, Path] = {}
        self._checkpoints: dict[int, list[Path]] = {}
        self._scan()

    def _scan(self) -> None:
        parts: dict[int, dict[int, list[Path]]] = {}
        for name in os.listdir(self.log_dir):
            if match := _COMMIT.match(name):
                self._commits[int(match.group(1))] = self.log_dir / name
            elif match := _CHECKPOINT.match(name):
                total = int(match.group(3) or 1)
                parts.setdefault(int(match.group(1)), {}).setdefault(total, []).append(
                    self.log_dir / name
                )
        for version, by_total in parts.items():
            # A multi-part checkpoint counts only when every part is present.
            for total, paths in by_total.items():
                if len(paths) == total:
                    self._checkpoints[version] = sorted(paths)
        if not self._commits and not self._checkpoints:
            raise DeltaLogError(f"{self.root} has no Delta log")

    # -- versions and time ----------------------------------------------------------------

    @property
    def latest_version(self) -> int:
        """The newest version the log knows."""
        return max([*self._commits, *self._checkpoints])

    @property
    def earliest_version(self) -> int:
        """The oldest version whose snapshot can still be rebuilt."""
        if 0 in self._commits:
            return 0
        return min(self._checkpoints) if self._checkpoints else min(self._commits)

    def commit(self, version: int) -> Commit:
        """The actions and timestamp of one commit (needs its JSON file)."""
        path = self._commits.get(version)
        if path is None:
            raise DeltaLogError(
                f"the log of version {version} is not available (latest is "
                f"{self.latest_version}, JSON commits may have been cleaned up)"
            )
        stat = path.stat()
        timestamp, actions = _read_commit(str(path), stat.st_mtime_ns, stat.st_size)
        if timestamp is None:
            # No commitInfo: Delta falls back to the commit file's modification time.
            timestamp = stat.st_mtime_ns // 1_000_000
        return Commit(version, timestamp, actions)

    def timestamps(self) -> dict[int, int]:
        """Commit timestamp (epoch ms) of every version that still has its JSON commit."""
        return {version: self.commit(version).timestamp for version in sorted(self._commits)}

    def version_at_or_before(self, timestamp_ms: int) -> int:
        """The latest version committed at or before ``timestamp_ms`` (time travel)."""
        stamps = self.timestamps()
        candidates = [version for version, stamp in stamps.items() if stamp <= timestamp_ms]
        if not candidates:
            raise DeltaLogError(
                f"the timestamp {timestamp_ms} is before the earliest version available"
            )
        if timestamp_ms > max(stamps.values()):
            # Delta rejects a time-travel timestamp after the latest commit.
            raise DeltaLogError(
                f"the timestamp {timestamp_ms} is after the latest version available"
            )
        return max(candidates)

    def version_at_or_after(self, timestamp_ms: int) -> int:
        """The earliest version committed at or after ``timestamp_ms`` (starting timestamps)."""
        stamps = self.timestamps()
        candidates = [version for version, stamp in stamps.items() if stamp >= timestamp_ms]
        if not candidates:
            raise DeltaLogError("not a valid starting timestamp: no version at or after it")
        return min(candidates)

    # -- snapshots ------------------------------------------------------------------------

    def _start(self, version: int) -> tuple[int, list[dict[str, Any]]]:
        """Where replay of ``version`` begins: commit 0, or a checkpoint's actions."""
        if version < 0 or version > self.latest_version:
            raise DeltaLogError(
                f"version {version} does not exist (latest is {self.latest_version})"
            )
        if all(v in self._commits for v in range(version + 1)):
            return 0, []
        for checkpoint in sorted((v for v in self._checkpoints if v <= version), reverse=True):
            if all(v in self._commits for v in range(checkpoint + 1, version + 1)):
                return checkpoint + 1, self._checkpoint_actions(checkpoint)
        raise DeltaLogError(f"version {version} can no longer be reconstructed from the log")

    def _checkpoint_actions(self, version: int) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for path in self._checkpoints[version]:
            table = pq.read_table(path)
            kinds = [
                k for k in ("protocol", "metaData", "add", "remove") if k in table.schema.names
            ]
            for row in table.select(kinds).to_pylist():
                for kind in kinds:
                    if row.get(kind) is not None:
                        actions.append({kind: _clean_checkpoint_action(kind, row[kind])})
        return actions

    def snapshot(self, version: int | None = None, with_files: bool = True) -> Snapshot:
        """Replay the log up to ``version`` (the latest when None)."""
        target = self.latest_version if version is None else version
        first, actions = self._start(target)
        protocol: dict[str, Any] = {}
        metadata: dict[str, Any] = {}
        files: dict[tuple[str, str], dict[str, Any]] = {}

        def apply(action: dict[str, Any]) -> None:
            nonlocal protocol, metadata
            if "protocol" in action:
                protocol = action["protocol"]
            elif "metaData" in action:
                metadata = action["metaData"]
            elif with_files and "add" in action:
                files[_file_key(action["add"])] = action["add"]
            elif with_files and "remove" in action:
                files.pop(_file_key(action["remove"]), None)

        for action in actions:
            apply(action)
        for number in range(first, target + 1):
            for action in self.commit(number).actions:
                apply(action)
        if not protocol or not metadata:
            raise DeltaLogError(f"version {target} has no protocol or metaData")
        return Snapshot(target, protocol, metadata, list(files.values()))
