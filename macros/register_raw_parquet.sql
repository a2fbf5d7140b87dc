{#
    On Spark, the raw tables are Parquet folders written by `pcw export` (docs/spark.md), one
    per table, listed in `tables.parquet` at the top of the export with their columns in
    Spark's DDL. Each is registered as an external table `<schema>.<table>` before the build,
    so staging reads it through the same `source()` call as on DuckDB. A table is dropped and
    registered again on every build: its columns are those of the last export (a field first
    seen since adds a column). Dropping an external table leaves its files alone.

    Only on local Spark (dbt-spark's `session` method), where the export's absolute paths are
    readable; on a cluster or Databricks, whose raw tables are registered there (docs/spark.md),
    only when the var `register_raw_parquet` is true. On DuckDB the raw file is attached
    (profiles.yml) and there is nothing to register.
#}
{% macro register_raw_parquet() -%}
    {{ return(adapter.dispatch('register_raw_parquet')()) }}
{%- endmacro %}

{% macro default__register_raw_parquet() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_parquet() -%}
    {%- if execute and var('register_raw_parquet', adapter.config.credentials.method == 'session') -%}
        {%- set export = env_var('PCW_RAW_PARQUET_DIR', 'data/raw_parquet') -%}
        {%- set tables = run_query(
            "select table_schema, table_name, location, columns from parquet.`"
            ~ export ~ "/tables.parquet`"
        ) -%}
        {%- for schema in tables.columns['table_schema'].values() | unique -%}
            {%- do run_query('create database if not exists ' ~ schema) -%}
        {%- endfor -%}
        {%- for table in tables.rows -%}
            {%- set relation = table['table_schema'] ~ '.' ~ table['table_name'] -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {#- Given its columns, Spark need not read the files to register a table. -#}
            {%- do run_query(
                'create table ' ~ relation
                ~ (' (' ~ table['columns'] ~ ')' if table['columns'] else '')
                ~ " using parquet location '" ~ table['location'] ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
