{#
    One row per budget line of a budget view, with the view's money columns (Procore's
    Standard Budget arithmetic, financials.compute_budget_rows). Raw `cost_code` is a display
    label, "03-300 - Cast-in-place Concrete": the code is the text before the first " - ",
    the name the text after it; `root_cost_code` is the division's label, split the same way.
    A custom view may lack any money column, hence `column_or_null` on every one of them.
#}

{%- set raw_columns = source_column_names(source('procore', 'budget_view_detail_rows')) -%}
{%- set separator = "' - '" -%}
{%- set cost_code_label = column_or_null(raw_columns, 'cost_code', dbt.type_string()) -%}
{%- set cost_code_split = dbt.position(separator, cost_code_label) -%}
{%- set division_label = column_or_null(raw_columns, 'root_cost_code', dbt.type_string()) -%}
{%- set division_split = dbt.position(separator, division_label) -%}
{%- set biller_type = column_or_null(raw_columns, 'biller_type', dbt.type_string()) -%}
{%- set forecast_is_automatic = 'budget_forecast__automatically_calculated' -%}

with

source as (

    select * from {{ procore_source('budget_view_detail_rows') }}

),

renamed as (

    select
        -- ids
        cast(budget_row_id as {{ dbt.type_string() }}) as budget_row_id,
        {{ column_or_null(raw_columns, 'id', dbt.type_bigint()) }} as budget_line_item_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as budget_view_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'root_cost_code_id', dbt.type_bigint()) }}
            as division_cost_code_id,
        {{ column_or_null(raw_columns, 'category_id', dbt.type_bigint()) }} as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,
        case
            when lower({{ biller_type }}) = 'subjob'
                then {{ column_or_null(raw_columns, 'biller_id', dbt.type_bigint()) }}
        end as sub_job_id,
        {{ column_or_null(raw_columns, 'budget_forecast__id', dbt.type_bigint()) }}
            as budget_forecast_id,

        -- strings
        trim({{ dbt.split_part(cost_code_label, separator, 1) }}) as cost_code,
        case
            when {{ cost_code_split }} > 0
                then substring({{ cost_code_label }}, {{ cost_code_split }} + 3)
        end as cost_code_name,
        trim({{ dbt.split_part(division_label, separator, 1) }}) as division_code,
        case
            when {{ division_split }} > 0
                then substring({{ division_label }}, {{ division_split }} + 3)
        end as division_name,
        {{ column_or_null(raw_columns, 'category', dbt.type_string()) }} as cost_type,
        lower({{ biller_type }}) as biller_type,
        case
            when lower({{ biller_type }}) = 'subjob'
                then {{ column_or_null(raw_columns, 'biller', dbt.type_string()) }}
        end as sub_job_name,
        lower({{ column_or_null(
            raw_columns, 'budget_forecast__calculation_strategy', dbt.type_string()
        ) }}) as forecast_calculation_strategy,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ procore_budget_columns(raw_columns) }},

        -- booleans
        {{ column_or_null(raw_columns, forecast_is_automatic, dbt.type_boolean()) }}
            as is_forecast_automatic

    from source

)

select * from renamed
