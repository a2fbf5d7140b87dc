{#
    The company's cost types (Procore's line item types: Labor, Materials, ...) of the
    sources the build reads, one row per company and type.

    The share has no line item types table: a type's name is read from the budget codes,
    whose segment named "Cost Type" holds the type's code and name (`L - Labor` is Labor,
    the text after the first ` - `). Cost types are the company's, so every budget code of a
    type names it alike; the lowest name is taken should two disagree.

    Under `both`, a company's types come from REST when the REST load read any of them
    (union_procore_sources).
#}

{%- set columns = ['company_id', 'line_item_type_id', 'cost_type'] %}
{%- set separator = "' - '" %}

with

{% if reads_rest() -%}
    rest_cost_types as (

        select
            company_id,
            line_item_type_id,
            cost_type
        from {{ ref('stg_procore__line_item_types') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    cost_type_items as (

        select
            company_id,
            line_item_type_id,
            case
                when segment_1_name = 'Cost Type' then segment_1_item
                when segment_2_name = 'Cost Type' then segment_2_item
                when segment_3_name = 'Cost Type' then segment_3_item
            end as cost_type_item
        from {{ ref('stg_procore_analytics__budget_codes') }}
        where line_item_type_id is not null

    ),

    analytics_cost_types as (

        select
            company_id,
            line_item_type_id,
            min(
                case
                    when {{ dbt.position(separator, 'cost_type_item') }} > 0
                        then substring(
                            cost_type_item, {{ dbt.position(separator, 'cost_type_item') }} + 3
                        )
                    else cost_type_item
                end
            ) as cost_type
        from cost_type_items
        group by company_id, line_item_type_id

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_cost_types', 'analytics_cost_types', columns, 'company_id') }}

)

select * from unioned
