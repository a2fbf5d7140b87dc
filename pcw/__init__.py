"""procore-warehouse: load Procore into DuckDB and build trustworthy marts with dbt."""

__version__ = "0.1.0"
