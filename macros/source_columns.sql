{#
    Raw tables only hold the columns dlt has seen a value for: a field that is null in every
    record loaded so far (no deleted record yet, a tool nobody uses) has no column at all.
    Staging models therefore read optional fields through `column_or_null`, which selects the
    column cast to its type when the raw table has it and a typed null when it does not, so
    the staging model's columns never depend on what the data happened to contain.

    Usage, at the top of a staging model:

        {%- set raw_columns = source_column_names(source('procore', 'rfis')) -%}
        ...
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at,
#}

{% macro source_column_names(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{% macro column_or_null(column_names, column_name, data_type) -%}
    {%- if column_name | lower in column_names -%}
        cast({{ column_name }} as {{ data_type }})
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
