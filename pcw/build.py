"""Run ``dbt build`` so that a failed build never damages the warehouse a BI tool reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path

import duckdb

from .errors import PcwError
from .paths import DataPaths, project_dir

# Of dbt's output, what a failed build shows when it was not shown as it went: enough for
# dbt's summary of every failing node.
DBT_LINES_KEPT = 400


def _dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_environment(warehouse: Path, raw: Path) -> dict[str, str]:
    """Environment variables that point ``profiles.yml`` at one raw and one warehouse file."""
    return {
        **os.environ,
        "PCW_WAREHOUSE_PATH": str(warehouse),
        "PCW_RAW_PATH": str(raw),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def build_warehouse(
    paths: DataPaths,
    as_of_date: str | None = None,
    quiet: bool = False,
    dbt_line: Callable[[str], None] | None = None,
    source: str | None = None,
) -> Path:
    """Build the warehouse with ``dbt build`` and swap it in only if every node passed.

    dbt writes a new file in a scratch directory; on success it atomically replaces the
    warehouse. A BI tool holding the old file keeps reading it undisturbed (DuckDB allows one
    writer or many readers, never both), and a failed build leaves it exactly as it was.

    Args:
        paths: The data files to read and write.
        as_of_date: Pins the day RFI ages are measured to (``YYYY-MM-DD``); default today.
        quiet: Hide dbt's own output unless the build fails.
        dbt_line: Told each line dbt prints, as it prints it (a progress display); dbt's
            output then reaches stdout only if the build fails.
        source: The loaded source to build from (``rest``, ``analytics`` or ``both``); by
            default, what the raw file holds (``loaded_sources``).

    Returns:
        The path of the warehouse file.

    Raises:
        PcwError: when there is nothing to build from or dbt reports a failure.
    """
    if not paths.raw.exists():
        raise PcwError(f"No raw data at {paths.raw}: run `pcw load` (or `pcw demo`) first.")
    _readable(paths.raw)
    shutil.rmtree(paths.building, ignore_errors=True)
    paths.building.mkdir(parents=True)
    # Same file name as the final warehouse: DuckDB names a database after its file, and
    # dbt writes that name into what it builds.
    scratch = paths.building / paths.warehouse.name
    project = project_dir()
    command = [
        _dbt_executable(),
        "build",
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target",
        "dev",
        # Unit tests check the SQL's logic on made-up rows, not the data: the test suite runs
        # them (`make test`); a production build need not repeat them on every load.
        "--exclude-resource-type",
        "unit_test",
    ]
    if source is not None and source not in DATA_SOURCES:
        raise PcwError(f"Unknown source {source!r}: choose one of {', '.join(DATA_SOURCES)}.")
    variables = {"procore_data_source": source or loaded_sources(paths.raw)}
    if as_of_date:
        variables["as_of_date"] = as_of_date
    command += ["--vars", json.dumps(variables)]
    shown = not quiet and dbt_line is None
    lines: deque[str] = deque(maxlen=DBT_LINES_KEPT)
    with subprocess.Popen(
        command,
        cwd=project,
        env=dbt_environment(scratch, paths.raw),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as dbt:
        assert dbt.stdout is not None
        for line in dbt.stdout:
            lines.append(line)
            if dbt_line is not None:
                dbt_line(line)
            elif shown:
                sys.stdout.write(line)
                sys.stdout.flush()
    if dbt.returncode != 0:
        if not shown:
            # What failed, and why, is in dbt's last lines: its summary of errors.
            sys.stdout.write("".join(lines))
        shutil.rmtree(paths.building, ignore_errors=True)
        raise PcwError(
            f"dbt build failed (exit code {dbt.returncode}); the warehouse at "
            f"{paths.warehouse} is unchanged. Fix the failing models or tests shown above."
        )
    _checkpoint(scratch)
    published = paths.building / "published" / paths.warehouse.name
    publish(scratch, published)
    os.replace(published, paths.warehouse)
    shutil.rmtree(paths.building, ignore_errors=True)
    return paths.warehouse


# DuckDB's storage format of its 1.0 release: every DuckDB from 1.0 on reads it, including the
# 1.x builds inside BI drivers, Node and WASM packages, which cannot open a file written in
# the newest format ("database file with version number 69").
PUBLISHED_STORAGE_VERSION = "v1.0.0"


def publish(built: Path, published: Path) -> None:
    """Copy a built warehouse into a new file in the storage format every DuckDB 1.x reads.

    Args:
        built: The warehouse dbt wrote, in the running DuckDB's newest format.
        published: Where to write the copy (replaced if it exists); the file keeps its name,
            since DuckDB names a database after its file.
    """
    published.parent.mkdir(parents=True, exist_ok=True)
    published.unlink(missing_ok=True)

    def literal(path: Path) -> str:
        return "'" + str(path).replace("'", "''") + "'"

    with duckdb.connect() as connection:
        connection.execute(f"attach {literal(built)} as built (read_only)")
        connection.execute(
            f"attach {literal(published)} as published "
            f"(storage_version '{PUBLISHED_STORAGE_VERSION}')"
        )
        connection.execute("copy from database built to published")
        connection.execute("detach published")


# The values of the dbt var `procore_data_source`.
DATA_SOURCES = ("rest", "analytics", "both")


def loaded_sources(raw: Path) -> str:
    """Which sources the raw file holds tables of: ``rest``, ``analytics`` or ``both``.

    ``rest`` also when it holds neither: the REST staging models build empty then.
    """
    with duckdb.connect(str(raw), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    # dlt's own bookkeeping tables do not make a source loaded.
    schemas = {schema for schema, table in tables if not table.startswith("_dlt")}
    rest, analytics = "procore" in schemas, "procore_analytics" in schemas
    return "both" if rest and analytics else "analytics" if analytics else "rest"


def _readable(raw: Path) -> None:
    """Fail in one line, before dbt starts, when a load is writing the raw file.

    DuckDB lets one process write a file or many read it, never both; dbt would otherwise
    fail after parsing the project with a lock error on the attached file.
    """
    try:
        duckdb.connect(str(raw), read_only=True).close()
    except duckdb.Error as error:
        reason = (str(error).splitlines() or [""])[0]
        raise PcwError(
            f"Cannot read the raw file {raw} ({reason}): a load is probably writing it. Run "
            "`pcw build` when it has finished, or `pcw run`, which loads and then builds."
        ) from None


def _checkpoint(database: Path) -> None:
    """Fold any write-ahead log into the file, so that one file is the whole warehouse."""
    if database.with_name(database.name + ".wal").exists():
        with duckdb.connect(str(database)) as connection:
            connection.execute("checkpoint")
