{%- set raw_columns = source_column_names(source('procore_analytics', 'projects')) -%}

with

source as (

    select * from {{ procore_analytics_source('projects') }}

),

renamed as (

    select
        -- ids
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as project_name,
        {{ column_or_null(raw_columns, 'display_name', dbt.type_string()) }}
            as project_display_name,
        {{ column_or_null(raw_columns, 'project_number', dbt.type_string()) }} as project_number,
        {{ column_or_null(raw_columns, 'address', dbt.type_string()) }} as address,
        {{ column_or_null(raw_columns, 'city', dbt.type_string()) }} as city,
        {{ column_or_null(raw_columns, 'state_code', dbt.type_string()) }} as state_code,
        {{ column_or_null(raw_columns, 'zip', dbt.type_string()) }} as zip,
        {{ column_or_null(raw_columns, 'country_code', dbt.type_string()) }} as country_code,
        {{ column_or_null(raw_columns, 'time_zone', dbt.type_string()) }} as time_zone,
        {{ column_or_null(raw_columns, 'stage', dbt.type_string()) }} as project_stage,
        {{ column_or_null(raw_columns, 'sector', dbt.type_string()) }} as sector,
        {{ column_or_null(raw_columns, 'work_scope', dbt.type_string()) }} as work_scope,
        {{ column_or_null(raw_columns, 'delivery_method', dbt.type_string()) }} as delivery_method,
        {{ column_or_null(raw_columns, 'store_number', dbt.type_string()) }} as store_number,
        {{ column_or_null(raw_columns, 'external_origin_id', dbt.type_string()) }}
            as external_origin_id,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'total_value') }} as total_value,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active,

        -- dates
        {{ column_or_null(raw_columns, 'start_date', 'date') }} as start_date,
        {{ column_or_null(raw_columns, 'completion_date', 'date') }} as completion_date,
        {{ column_or_null(raw_columns, 'projected_finish_date', 'date') }} as projected_finish_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
