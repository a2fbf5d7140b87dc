{%- set raw_columns = source_column_names(source('procore_analytics', 'project_users')) -%}

with

source as (

    select * from {{ procore_analytics_source('project_users') }}

),

renamed as (

    select
        -- ids
        cast(project_user_id as {{ dbt.type_string() }}) as project_user_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'user_id', dbt.type_bigint()) }} as user_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as user_name,
        {{ column_or_null(raw_columns, 'email_address', dbt.type_string()) }} as email_address,
        {{ column_or_null(raw_columns, 'job_title', dbt.type_string()) }} as job_title,
        {{ column_or_null(raw_columns, 'permission_template_name', dbt.type_string()) }}
            as permission_template_name,

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
