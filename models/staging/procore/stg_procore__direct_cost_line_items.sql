{#
    Direct cost line items, listed per project (not per direct cost): the direct cost a line
    belongs to is its holder (`holder__id`, `holder__holder_type` = DirectCost).
#}

{%- set raw_columns = source_column_names(source('procore', 'direct_cost_line_items')) -%}

with

source as (

    select * from {{ procore_source('direct_cost_line_items') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as direct_cost_line_item_id,
        {{ column_or_null(raw_columns, 'holder__id', dbt.type_bigint()) }} as direct_cost_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ procore_line_item_columns(raw_columns) }}

    from source

)

select * from renamed
