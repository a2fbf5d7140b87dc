{#
    The columns of each budget view. Procore sends their ids as strings, so they stay text.
    A row's money columns are named after these display names in raw (see the loader's
    `BUDGET_DISPLAY_NAMES`): "Approved COs" is `approved_budget_changes` in the detail rows.
#}

{%- set raw_columns = source_column_names(source('procore', 'budget_detail_columns')) -%}

with

source as (

    select * from {{ procore_source('budget_detail_columns') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as budget_detail_column_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as budget_view_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as column_name,
        lower({{ column_or_null(raw_columns, 'type', dbt.type_string()) }}) as column_type,

        -- numerics
        {{ column_or_null(raw_columns, 'position', dbt.type_int()) }} as column_position,

        -- booleans
        {{ column_or_null(raw_columns, 'aggregatable', dbt.type_boolean()) }}
            as is_aggregatable,
        {{ column_or_null(raw_columns, 'filterable', dbt.type_boolean()) }} as is_filterable,
        {{ column_or_null(raw_columns, 'groupable', dbt.type_boolean()) }} as is_groupable

    from source

)

select * from renamed
