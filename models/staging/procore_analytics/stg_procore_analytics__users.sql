{%- set raw_columns = source_column_names(source('procore_analytics', 'users')) -%}

with

source as (

    select * from {{ procore_analytics_source('users') }}

),

renamed as (

    select
        -- ids
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as user_name,
        {{ column_or_null(raw_columns, 'first_name', dbt.type_string()) }} as first_name,
        {{ column_or_null(raw_columns, 'last_name', dbt.type_string()) }} as last_name,
        {{ column_or_null(raw_columns, 'login', dbt.type_string()) }} as login_name,
        {{ column_or_null(raw_columns, 'email_address', dbt.type_string()) }} as email_address,
        {{ column_or_null(raw_columns, 'job_title', dbt.type_string()) }} as job_title,
        {{ column_or_null(raw_columns, 'employee_id', dbt.type_string()) }} as employee_number,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'company_name', dbt.type_string()) }} as user_company_name,
        {{ column_or_null(raw_columns, 'origin_id', dbt.type_string()) }} as external_origin_id,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active,
        {{ column_or_null(raw_columns, 'is_employee', dbt.type_boolean()) }} as is_employee,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
