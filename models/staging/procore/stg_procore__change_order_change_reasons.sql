{#
    The change reasons a company offers on change events and change orders (Unforeseen
    Condition, Owner Request...), listed per company. Names are company-defined labels.
#}
{%- set raw_columns = source_column_names(source('procore', 'change_order_change_reasons')) -%}

with

source as (

    select * from {{ procore_source('change_order_change_reasons') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_reason_id,
        cast(_procore_company_id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'change_reason', dbt.type_string()) }} as change_reason,

        -- booleans
        {{ column_or_null(raw_columns, 'show_in_select', dbt.type_boolean()) }} as is_selectable

    from source

)

select * from renamed
