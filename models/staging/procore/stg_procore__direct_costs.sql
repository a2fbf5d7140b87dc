{%- set raw_columns = source_column_names(source('procore', 'direct_costs')) -%}

with

source as (

    select * from {{ procore_source('direct_costs') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as direct_cost_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'employee__id', dbt.type_bigint()) }} as employee_id,

        -- strings
        lower({{ column_or_null(raw_columns, 'direct_cost_type', dbt.type_string()) }})
            as direct_cost_type,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as direct_cost_status,
        {{ column_or_null(raw_columns, 'invoice_number', dbt.type_string()) }} as invoice_number,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'terms', dbt.type_string()) }} as payment_terms,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'employee__name', dbt.type_string()) }} as employee_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ cast_money(column_or_null(raw_columns, 'amount', dbt.type_string())) }} as amount,
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }}
            as grand_total_amount,

        -- booleans
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'direct_cost_date', 'date') }} as direct_cost_date,
        {{ column_or_null(raw_columns, 'received_date', 'date') }} as received_date,
        {{ column_or_null(raw_columns, 'payment_date', 'date') }} as payment_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
