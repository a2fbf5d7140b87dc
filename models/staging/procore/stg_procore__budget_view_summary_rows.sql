{#
    The summary rows of each budget view: one per group of the view's default grouping
    (biller, then root cost code), each the sum of the detail rows listed in raw
    `budget_line_item_ids`. Money columns carry the same names as in the detail rows.
#}

{%- set raw_columns = source_column_names(source('procore', 'budget_view_summary_rows')) -%}

with

source as (

    select * from {{ source('procore', 'budget_view_summary_rows') }}

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
        {{ cast_money(column_or_null(raw_columns, 'original_budget_amount', dbt.type_string())) }}
            as original_budget,
        {{ cast_money(column_or_null(raw_columns, 'budget_modifications', dbt.type_string())) }}
            as budget_modifications,
        {{ cast_money(column_or_null(raw_columns, 'approved_budget_changes', dbt.type_string())) }}
            as approved_budget_changes,
        {{ cast_money(column_or_null(raw_columns, 'revised_budget', dbt.type_string())) }}
            as revised_budget,
        {{ cast_money(column_or_null(raw_columns, 'pending_budget_changes', dbt.type_string())) }}
            as pending_budget_changes,
        {{ cast_money(column_or_null(raw_columns, 'projected_budget', dbt.type_string())) }}
            as projected_budget,
        {{ cast_money(column_or_null(raw_columns, 'committed_costs', dbt.type_string())) }}
            as committed_costs,
        {{ cast_money(column_or_null(raw_columns, 'direct_costs', dbt.type_string())) }}
            as direct_costs,
        {{ cast_money(column_or_null(raw_columns, 'job_to_date_costs', dbt.type_string())) }}
            as job_to_date_costs,
        {{ cast_money(column_or_null(raw_columns, 'pending_cost_changes', dbt.type_string())) }}
            as pending_cost_changes,
        {{ cast_money(column_or_null(raw_columns, 'projected_costs', dbt.type_string())) }}
            as projected_costs,
        {{ cast_money(column_or_null(raw_columns, 'budget_forecast__amount', dbt.type_string())) }}
            as forecast_to_complete,
        {{ cast_money(column_or_null(
            raw_columns, 'estimated_cost_at_completion', dbt.type_string()
        )) }} as estimated_cost_at_completion,
        {{ cast_money(column_or_null(raw_columns, 'projected_over_under', dbt.type_string())) }}
            as projected_over_under

    from source

)

select * from renamed
