{%- set raw_columns = source_column_names(source('procore', 'line_item_types')) -%}

with

source as (

    select * from {{ procore_source('line_item_types') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as line_item_type_id,
        cast(_procore_company_id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as cost_type,
        {{ column_or_null(raw_columns, 'code', dbt.type_string()) }} as cost_type_code,
        lower({{ column_or_null(raw_columns, 'base_type', dbt.type_string()) }}) as base_type

    from source

)

select * from renamed
