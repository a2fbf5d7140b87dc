{%- set raw_columns = source_column_names(source('procore', 'company_users')) -%}

with

source as (

    select * from {{ procore_source('company_users') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as user_id,
        cast(_procore_company_id as {{ dbt.type_bigint() }}) as company_id,
        {{ procore_user_columns(raw_columns) }}

    from source

)

select * from renamed
