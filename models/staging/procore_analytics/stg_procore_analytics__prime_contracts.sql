{%- set raw_columns = source_column_names(source('procore_analytics', 'prime_contracts')) -%}

with

source as (

    select * from {{ procore_analytics_source('prime_contracts') }}

),

renamed as (

    select
        -- ids
        cast(prime_contract_id as {{ dbt.type_bigint() }}) as prime_contract_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as contract_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as contract_status,
        lower({{ column_or_null(raw_columns, 'accounting_method', dbt.type_string()) }})
            as accounting_method,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'grand_total') }} as original_contract_amount,
        {{ procore_analytics_amount(raw_columns, 'approved_change_orders') }}
            as approved_change_orders_amount,
        {{ procore_analytics_amount(raw_columns, 'revised_contract_amount') }}
            as revised_contract_amount,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'contract_date', 'date') }} as contract_date,
        {{ column_or_null(raw_columns, 'contract_start_date', 'date') }} as contract_start_date,
        {{ column_or_null(raw_columns, 'contract_estimated_completion_date', 'date') }}
            as contract_estimated_completion_date,
        {{ column_or_null(raw_columns, 'actual_completion_date', 'date') }}
            as actual_completion_date,
        {{ column_or_null(raw_columns, 'execution_date', 'date') }} as execution_date,
        {{ column_or_null(raw_columns, 'signed_contract_received_date', 'date') }}
            as signed_contract_received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
