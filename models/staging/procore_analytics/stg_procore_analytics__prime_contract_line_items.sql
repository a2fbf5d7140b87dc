{%- set raw_columns = source_column_names(
    source('procore_analytics', 'prime_contract_line_items')
) -%}

with

source as (

    select * from {{ procore_analytics_source('prime_contract_line_items') }}

),

renamed as (

    select
        -- ids
        cast(prime_contract_line_item_id as {{ dbt.type_bigint() }}) as prime_contract_line_item_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'prime_contract_id', dbt.type_bigint()) }}
            as prime_contract_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,

        -- strings
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'uom', dbt.type_string()) }} as unit_of_measure,
        lower({{ column_or_null(raw_columns, 'contract_status', dbt.type_string()) }})
            as contract_status,

        -- numerics
        {{ column_or_null(raw_columns, 'position', dbt.type_int()) }} as line_position,
        {{ column_or_null(raw_columns, 'quantity', 'decimal(18, 4)') }} as quantity,
        {{ procore_analytics_amount(raw_columns, 'unit_cost') }} as unit_cost,
        {{ procore_analytics_amount(raw_columns, 'amount') }} as amount,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
