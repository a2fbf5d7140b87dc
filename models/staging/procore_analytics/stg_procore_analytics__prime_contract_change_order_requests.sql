{%- set raw_columns = source_column_names(
    source('procore_analytics', 'prime_contract_change_order_requests')
) -%}

with

source as (

    select * from {{ procore_analytics_source('prime_contract_change_order_requests') }}

),

renamed as (

    select
        -- ids
        cast(prime_contract_change_order_request_id as {{ dbt.type_bigint() }})
            as change_order_request_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'prime_contract_id', dbt.type_bigint()) }}
            as prime_contract_id,
        {{ column_or_null(raw_columns, 'prime_contract_change_order_id', dbt.type_bigint()) }}
            as prime_change_order_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as cor_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as cor_status,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'grand_total') }} as amount,
        {{ procore_analytics_amount(raw_columns, 'amount_without_markup') }}
            as amount_without_markup,
        {{ column_or_null(raw_columns, 'schedule_impact_days', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
