"""dlt sources that pull Procore into the raw DuckDB file."""
