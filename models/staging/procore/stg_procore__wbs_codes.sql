{%- set raw_columns = source_column_names(source('procore', 'wbs_codes')) -%}

with

source as (

    select * from {{ procore_source('wbs_codes') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as wbs_code_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,

        -- strings
        {{ column_or_null(raw_columns, 'flat_code', dbt.type_string()) }} as wbs_code,
        {{ column_or_null(raw_columns, 'flat_name', dbt.type_string()) }} as wbs_name,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as wbs_description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as wbs_status,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at

    from source

)

select * from renamed
