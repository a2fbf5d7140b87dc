"""Where the project and its data files live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Where pcw is installed from: the repository of an editable install.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR_VARIABLE = "PCW_PROJECT_DIR"


def project_dir() -> Path:
    """The project whose `.dlt/` settings and dbt project pcw uses.

    ``$PCW_PROJECT_DIR`` when set (``pcw --project-dir`` sets it), else the installed
    location, so a scheduler running pcw from any directory uses the repository's settings.
    """
    configured = os.environ.get(PROJECT_DIR_VARIABLE)
    return Path(configured).expanduser().resolve() if configured else PROJECT_ROOT


@dataclass(frozen=True)
class DataPaths:
    """The files of one warehouse: raw (dlt), warehouse (dbt) and dlt's working state."""

    data_dir: Path

    @property
    def raw(self) -> Path:
        """The raw DuckDB file dlt loads into."""
        return self.data_dir / "raw.duckdb"

    @property
    def warehouse(self) -> Path:
        """The warehouse DuckDB file dbt builds and BI tools read."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def pipelines(self) -> Path:
        """Dlt's working directory: cursors and pending load packages."""
        return self.data_dir / "pipelines"

    @property
    def building(self) -> Path:
        """Scratch directory a build writes into before it replaces the warehouse."""
        return self.data_dir / ".building"


def default_data_dir() -> Path:
    """``$PCW_DATA_DIR`` if set, else ``data/`` in the project."""
    configured = os.environ.get("PCW_DATA_DIR")
    return Path(configured).expanduser().resolve() if configured else project_dir() / "data"


def spark_raw_parquet_dir() -> Path:
    """Where the dbt target ``spark`` reads the raw tables' Parquet export (profiles.yml).

    ``$PCW_RAW_PARQUET_DIR`` if set, else ``data/raw_parquet`` in the project: dbt runs in the
    project, where the profile's relative default points.
    """
    configured = os.environ.get("PCW_RAW_PARQUET_DIR")
    return (
        Path(configured).expanduser().resolve()
        if configured
        else project_dir() / "data" / "raw_parquet"
    )
