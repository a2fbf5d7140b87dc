{#
    A raw table of the `procore` source, or an empty stand-in when the raw file has no such
    table: a list the loader was never asked for (`resources = [...]`), or one whose tool the
    service account may not read (skipped for a 403), has no raw table at all. Staging then
    builds empty and every mart shows what the account can see, instead of the build failing.

    The stand-in has the columns staging reads by name (keys and the loader's scope columns,
    and the JSON lists it unnests); every other column goes through `column_or_null`, which
    finds none in a missing table and gives typed nulls.
#}
{% macro procore_source(table_name) -%}
    {{ source_or_empty(source('procore', table_name), [
        ('id', dbt.type_bigint()),
        ('_procore_company_id', dbt.type_bigint()),
        ('_procore_project_id', dbt.type_bigint()),
        ('_procore_parent_id', dbt.type_bigint()),
        ('budget_row_id', dbt.type_string()),
        ('change_events', dbt.type_string()),
        ('change_event_line_items', dbt.type_string()),
    ]) }}
{%- endmacro %}

{#
    A raw relation, or when the raw file has no such table an empty relation with `columns`,
    a list of (name, data type) pairs, in that order and of those types: what a source macro
    (`procore_source`, `procore_analytics_source`) hands a staging model so that it builds
    empty instead of failing. The stand-in is aliased `missing_<table>`.

    Whether the table exists is asked of the database (`raw_relation_exists`), the same way
    staging models read a raw table's columns (`source_column_names`).
#}
{% macro source_or_empty(relation, columns) -%}
    {%- if execute and not raw_relation_exists(relation) -%}
        (
            select
                {%- for column_name, data_type in columns %}
                cast(null as {{ data_type }}) as {{ column_name }}{{ "," if not loop.last }}
                {%- endfor %}
            where 1 = 0
        ) as missing_{{ relation.identifier }}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#
    Whether every named raw table of the `procore` source exists: what a check that compares
    figures computed from those lists needs before it can compare anything.
#}
{% macro procore_sources_loaded(table_names) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- for table_name in table_names -%}
        {%- if not raw_relation_exists(source('procore', table_name)) -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{#
    Whether a raw table exists, asked of the database itself. dbt's relation cache is not
    asked: for a source in the attached raw file it is filled on first use, and a model
    building in another thread at that moment could find the schema cached without the
    table, read the table's columns anyway, and select them from the empty stand-in.
#}
{% macro raw_relation_exists(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation) | length > 0) }}
{%- endmacro %}
