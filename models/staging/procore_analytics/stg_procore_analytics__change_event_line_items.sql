{%- set raw_columns = source_column_names(
    source('procore_analytics', 'change_event_line_items')
) -%}

with

source as (

    select * from {{ procore_analytics_source('change_event_line_items') }}

),

renamed as (

    select
        -- ids
        cast(change_event_line_item_id as {{ dbt.type_bigint() }}) as change_event_line_item_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'change_event_id', dbt.type_bigint()) }} as change_event_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,
        {{ column_or_null(raw_columns, 'commitment_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'uom', dbt.type_string()) }} as unit_of_measure,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'revenue_rom') }} as revenue_rom,
        {{ procore_analytics_amount(raw_columns, 'revenue_rom_unit_cost') }}
            as revenue_rom_unit_cost,
        {{ procore_analytics_amount(raw_columns, 'cost_rom') }} as cost_rom,
        {{ column_or_null(raw_columns, 'quantity', dbt.type_numeric()) }} as cost_rom_quantity,
        {{ procore_analytics_amount(raw_columns, 'cost_rom_unit_cost') }} as cost_rom_unit_cost,

        -- booleans
        false as is_deleted,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
