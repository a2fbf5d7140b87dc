{%- set raw_columns = source_column_names(
    source('procore_analytics', 'commitment_potential_change_orders')
) -%}

with

source as (

    select * from {{ procore_analytics_source('commitment_potential_change_orders') }}

),

renamed as (

    select
        -- ids
        cast(commitment_potential_change_order_id as {{ dbt.type_bigint() }})
            as potential_change_order_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'commitment_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'commitment_change_order_id', dbt.type_bigint()) }}
            as commitment_change_order_id,
        {{ column_or_null(raw_columns, 'change_event_id', dbt.type_bigint()) }} as change_event_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as pco_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as pco_status,
        {{ column_or_null(raw_columns, 'change_reason', dbt.type_string()) }} as change_reason,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'grand_total') }} as amount,
        {{ procore_analytics_amount(raw_columns, 'extended_total') }} as extended_total_amount,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

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
