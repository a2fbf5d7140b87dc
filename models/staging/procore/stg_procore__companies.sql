{%- set raw_columns = source_column_names(source('procore', 'companies')) -%}

with

source as (

    select * from {{ procore_source('companies') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as company_name,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active

    from source

)

select * from renamed
