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
    {%- set relation = source('procore', table_name) -%}
    {%- if execute and load_relation(relation) is none -%}
        (
            select
                cast(null as {{ dbt.type_bigint() }}) as id,
                cast(null as {{ dbt.type_bigint() }}) as _procore_company_id,
                cast(null as {{ dbt.type_bigint() }}) as _procore_project_id,
                cast(null as {{ dbt.type_bigint() }}) as _procore_parent_id,
                cast(null as {{ dbt.type_string() }}) as budget_row_id,
                cast(null as {{ dbt.type_string() }}) as change_events,
                cast(null as {{ dbt.type_string() }}) as change_event_line_items
            where 1 = 0
        ) as missing_{{ table_name }}
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
        {%- if load_relation(source('procore', table_name)) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
