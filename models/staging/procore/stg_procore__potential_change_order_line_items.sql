{#
    The lines of a potential change order, listed per PCO (the loader's parent id). Each line
    prices one budget code (cost code x cost type, with its WBS code) and, when it came from a
    change event, names the change event line it prices: a prime PCO line carries the
    revenue side of that event line, a commitment PCO line its cost side.
#}
{%- set raw_columns = source_column_names(
    source('procore', 'potential_change_order_line_items')
) -%}

with

source as (

    select * from {{ procore_source('potential_change_order_line_items') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as potential_change_order_line_item_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as potential_change_order_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'cost_code__id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type__id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code__id', dbt.type_bigint()) }} as wbs_code_id,
        {{ column_or_null(raw_columns, 'change_event_line_item__id', dbt.type_bigint()) }}
            as change_event_line_item_id,
        {{ column_or_null(raw_columns, 'change_event_line_item__event_id', dbt.type_bigint()) }}
            as change_event_id,

        -- strings
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'cost_code__full_code', dbt.type_string()) }} as cost_code,
        {{ column_or_null(raw_columns, 'cost_code__name', dbt.type_string()) }} as cost_code_name,
        {{ column_or_null(raw_columns, 'line_item_type__name', dbt.type_string()) }} as cost_type,
        {{ column_or_null(raw_columns, 'line_item_type__code', dbt.type_string()) }}
            as cost_type_code,
        {{ column_or_null(raw_columns, 'wbs_code__flat_code', dbt.type_string()) }}
            as budget_code,
        {{ column_or_null(raw_columns, 'wbs_code__description', dbt.type_string()) }}
            as budget_code_description,
        {{ column_or_null(raw_columns, 'uom', dbt.type_string()) }} as unit_of_measure,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'position', dbt.type_int()) }} as line_position,
        {{ column_or_null(raw_columns, 'quantity', dbt.type_numeric()) }} as quantity,
        {{ cast_money(column_or_null(raw_columns, 'unit_cost', dbt.type_numeric())) }} as unit_cost,
        {{ cast_money(column_or_null(raw_columns, 'amount', dbt.type_string())) }} as amount,
        {{ cast_money(column_or_null(
            raw_columns, 'change_event_line_item__cost_rom', dbt.type_numeric()
        )) }} as change_event_line_cost_rom,
        {{ cast_money(column_or_null(
            raw_columns, 'change_event_line_item__revenue_rom', dbt.type_numeric()
        )) }} as change_event_line_revenue_rom,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at

    from source

)

select * from renamed
