{%- set raw_columns = source_column_names(
    source('procore_analytics', 'prime_contract_change_orders')
) -%}

with

source as (

    select * from {{ procore_analytics_source('prime_contract_change_orders') }}

),

renamed as (

    select
        -- ids
        cast(prime_contract_change_order_id as {{ dbt.type_bigint() }}) as prime_change_order_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'prime_contract_id', dbt.type_bigint()) }}
            as prime_contract_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as change_order_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        nullif({{ column_or_null(raw_columns, 'description', dbt.type_string()) }}, '')
            as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as change_order_status,
        {{ column_or_null(raw_columns, 'change_reason', dbt.type_string()) }} as change_reason,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'grand_total') }} as amount,
        {{ procore_analytics_amount(raw_columns, 'amount_without_markup') }}
            as amount_without_markup,
        {{ column_or_null(raw_columns, 'schedule_impact_days', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'paid', dbt.type_boolean()) }} as is_paid,
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,
        {{ column_or_null(raw_columns, 'signed_change_order_received_date', 'date') }}
            as signed_change_order_received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'reviewed_at', dbt.type_timestamp()) }} as reviewed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
