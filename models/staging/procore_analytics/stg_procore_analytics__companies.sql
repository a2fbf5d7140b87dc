{%- set raw_columns = source_column_names(source('procore_analytics', 'companies')) -%}

with

source as (

    select * from {{ procore_analytics_source('companies') }}

),

renamed as (

    select
        -- ids
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as company_name,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
