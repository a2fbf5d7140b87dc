{#
    The change types a company offers on change events (Owner Change, Design Change...),
    listed per company. Names are company-defined labels.
#}
{%- set raw_columns = source_column_names(source('procore', 'change_types')) -%}

with

source as (

    select * from {{ procore_source('change_types') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_type_id,
        cast(_procore_company_id as {{ dbt.type_bigint() }}) as company_id,

        -- strings
        {{ column_or_null(raw_columns, 'change_type', dbt.type_string()) }} as change_type,
        {{ column_or_null(raw_columns, 'abbreviation', dbt.type_string()) }}
            as change_type_abbreviation,

        -- booleans
        {{ column_or_null(raw_columns, 'show_in_select', dbt.type_boolean()) }} as is_selectable

    from source

)

select * from renamed
