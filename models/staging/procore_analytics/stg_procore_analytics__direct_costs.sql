{%- set raw_columns = source_column_names(source('procore_analytics', 'direct_costs')) -%}

with

source as (

    select * from {{ procore_analytics_source('direct_costs') }}

),

renamed as (

    select
        -- ids
        cast(direct_cost_id as {{ dbt.type_bigint() }}) as direct_cost_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        lower({{ column_or_null(raw_columns, 'direct_cost_type', dbt.type_string()) }})
            as direct_cost_type,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as direct_cost_status,
        {{ column_or_null(raw_columns, 'invoice_number', dbt.type_string()) }} as invoice_number,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'terms', dbt.type_string()) }} as payment_terms,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'amount_total') }} as amount,
        {{ procore_analytics_amount(raw_columns, 'amount_grand_total') }} as grand_total_amount,

        -- booleans
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'direct_cost_date', 'date') }} as direct_cost_date,
        {{ column_or_null(raw_columns, 'received_date', 'date') }} as received_date,
        {{ column_or_null(raw_columns, 'payment_date', 'date') }} as payment_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
