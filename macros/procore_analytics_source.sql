{#
    A raw table of the `procore_analytics` source (the Procore Analytics Delta Share, loaded
    by `load/procore_analytics`), or an empty stand-in when the raw file has no such table.
    Most warehouses load the REST API only and have no `procore_analytics` schema at all;
    a share may also stop serving a table. Staging then builds empty instead of failing.

    The stand-in has the columns the source declares for the table in
    `_procore_analytics__sources.yml`, typed as declared there: the table's key and its
    `company_id` and `project_id`, the columns staging reads by name. Every other column goes
    through `column_or_null`, so a column Procore drops (the share changes without notice,
    docs/procore-analytics.md, "Schema drift") gives typed nulls too. Declared types are
    `bigint` or `string`, turned into the adapter's own names.
#}
{% macro procore_analytics_source(table_name) -%}
    {%- set relation = source('procore_analytics', table_name) -%}
    {%- set columns = [] -%}
    {%- if execute -%}
        {%- set adapter_types = {'bigint': dbt.type_bigint(), 'string': dbt.type_string()} -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', 'procore_analytics')
            | selectattr('name', 'equalto', table_name)
            | first -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append(
                (column.name, adapter_types.get(column.data_type, column.data_type))
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ source_or_empty(relation, columns) }}
{%- endmacro %}

{#
    An amount of a share table in the project's currency, as the REST staging models type
    money (`cast_money`, decimal(18, 2)). The share gives every amount as
    `<amount>_project_currency` and `<amount>_company_currency` (and sometimes unsuffixed, in
    the record's own currency), all decimal(38, 5). Staging keeps the project currency: the
    marts report each project in its own currency, as Procore's budget and contract tools
    and the REST API do, so an amount reads the same from either source.
#}
{% macro procore_analytics_amount(raw_columns, amount) -%}
    {{ cast_money(column_or_null(raw_columns, amount ~ '_project_currency', 'decimal(38, 5)')) }}
{%- endmacro %}
