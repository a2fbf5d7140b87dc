{%- set raw_columns = source_column_names(source('procore', 'prime_contract_line_items')) -%}

with

source as (

    select * from {{ procore_source('prime_contract_line_items') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as prime_contract_line_item_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as prime_contract_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ procore_line_item_columns(raw_columns) }}

    from source

)

select * from renamed
