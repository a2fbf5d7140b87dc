{%- set raw_columns = source_column_names(source('procore', 'projects')) -%}

with

source as (

    select * from {{ procore_source('projects') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'company__id', dbt.type_bigint()) }} as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as project_name,
        {{ column_or_null(raw_columns, 'display_name', dbt.type_string()) }}
            as project_display_name,
        {{ column_or_null(raw_columns, 'project_number', dbt.type_string()) }} as project_number,
        {{ column_or_null(raw_columns, 'stage', dbt.type_string()) }} as project_stage,
        {{ column_or_null(raw_columns, 'city', dbt.type_string()) }} as city,
        {{ column_or_null(raw_columns, 'state_code', dbt.type_string()) }} as state_code,
        {{ column_or_null(raw_columns, 'country_code', dbt.type_string()) }} as country_code,
        {{ column_or_null(raw_columns, 'time_zone', dbt.type_string()) }} as time_zone,

        -- numerics
        {{ cast_money(column_or_null(raw_columns, 'total_value', dbt.type_string())) }}
            as total_value,

        -- booleans
        {{ column_or_null(raw_columns, 'active', dbt.type_boolean()) }} as is_active,

        -- dates
        {{ column_or_null(raw_columns, 'start_date', 'date') }} as start_date,
        {{ column_or_null(raw_columns, 'completion_date', 'date') }} as completion_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at

    from source

)

select * from renamed
