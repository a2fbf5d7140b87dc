{#
    The summary rows of each budget view: one per group of the view's default grouping
    (biller, then root cost code), each the sum of the detail rows listed in raw
    `budget_line_item_ids`. Money columns carry the same names as in the detail rows.
#}

{%- set raw_columns = source_column_names(source('procore', 'budget_view_summary_rows')) -%}

with

source as (

    select * from {{ procore_source('budget_view_summary_rows') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as budget_summary_row_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as budget_view_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as summary_row_name,
        lower({{ column_or_null(raw_columns, 'biller_type', dbt.type_string()) }}) as biller_type,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ procore_budget_columns(raw_columns) }}

    from source

)

select * from renamed
