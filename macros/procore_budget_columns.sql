{#
    The money columns of Procore's Standard Budget view, as its detail rows and summary rows
    both carry them (the loader stores the display names as snake_case: "Approved COs" is
    `approved_budget_changes`). A custom view may lack any of them, hence `column_or_null`.
    Definitions: docs/decisions.md, "Budget vs commitments".
#}
{% macro procore_budget_columns(raw_columns) -%}
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
{%- endmacro %}
