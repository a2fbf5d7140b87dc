{#
    Procore's own budget figures, from the sources the build reads: the rows of one budget
    view per project, so that a line is never counted twice (docs/decisions.md, "Which
    view"). A money column stays null where the chosen view does not show it.

    REST: the detail rows of the view named "Procore Standard Budget" when the project has
    one, else of the project's oldest view.

    Share: `budget_view_standard_columns`, Procore's Standard Budget figures of each budget
    line (docs/procore-analytics.md, "Budget figures"). The share names no view, so should a
    project's rows come under several views, the view whose rows were created first is
    read. The share gives a row ids only; the rest is read where the share publishes it:
    - `budget_row_id`: Procore's row key is the budget line item id on a budgeted row, so
      it is that id, else (a row without a budget line) the share's own row key;
    - cost code, its name and its division's code: the share's cost code tree;
    - cost type: the company's cost types (int_line_item_types_unioned: the share has no
      line item types table, so their names are read from its budget codes);
    - forecast strategy: automatic when Forecast To Complete is the automatic forecast
      (Procore's default, so also when the two forecasts agree), manual when it is the
      manual one.
    The share publishes no budget view name, no sub job and no currency: those columns are
    empty on its rows.

    Under `both`, a project's rows come from REST when the REST load holds any of them
    (union_procore_sources).
#}

{%- set columns = [
    'budget_row_id', 'budget_line_item_id', 'budget_view_id', 'budget_view_name', 'project_id',
    'cost_code_id', 'line_item_type_id', 'wbs_code_id', 'sub_job_id', 'cost_code',
    'cost_code_name', 'division_code', 'cost_type', 'sub_job_name',
    'forecast_calculation_strategy', 'currency_iso_code', 'original_budget',
    'budget_modifications', 'approved_budget_changes', 'revised_budget',
    'pending_budget_changes', 'projected_budget', 'committed_costs', 'direct_costs',
    'job_to_date_costs', 'pending_cost_changes', 'projected_costs', 'forecast_to_complete',
    'estimated_cost_at_completion', 'projected_over_under',
] %}

with

{% if reads_rest() -%}
    budget_views as (

        select * from {{ ref('stg_procore__budget_views') }}

    ),

    detail_rows as (

        select * from {{ ref('stg_procore__budget_view_detail_rows') }}

    ),

    ranked_views as (

        select
            budget_view_id,
            project_id,
            budget_view_name,
            row_number() over (
                partition by project_id
                order by
                    case when budget_view_name = 'Procore Standard Budget' then 0 else 1 end,
                    created_at,
                    budget_view_id
            ) as preference
        from budget_views

    ),

    chosen_views as (

        select
            budget_view_id,
            project_id,
            budget_view_name
        from ranked_views
        where preference = 1

    ),

    rest_budget_lines as (

        select
            detail_rows.budget_row_id,
            detail_rows.budget_line_item_id,
            detail_rows.budget_view_id,
            chosen_views.budget_view_name,
            detail_rows.project_id,
            detail_rows.cost_code_id,
            detail_rows.line_item_type_id,
            detail_rows.wbs_code_id,
            detail_rows.sub_job_id,
            detail_rows.cost_code,
            detail_rows.cost_code_name,
            detail_rows.division_code,
            detail_rows.cost_type,
            detail_rows.sub_job_name,
            detail_rows.forecast_calculation_strategy,
            detail_rows.currency_iso_code,
            detail_rows.original_budget,
            detail_rows.budget_modifications,
            detail_rows.approved_budget_changes,
            detail_rows.revised_budget,
            detail_rows.pending_budget_changes,
            detail_rows.projected_budget,
            detail_rows.committed_costs,
            detail_rows.direct_costs,
            detail_rows.job_to_date_costs,
            detail_rows.pending_cost_changes,
            detail_rows.projected_costs,
            detail_rows.forecast_to_complete,
            detail_rows.estimated_cost_at_completion,
            detail_rows.projected_over_under
        from detail_rows
        inner join chosen_views
            on detail_rows.budget_view_id = chosen_views.budget_view_id

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_budget_rows as (

        select * from {{ ref('stg_procore_analytics__budget_view_standard_columns') }}

    ),

    shared_cost_codes as (

        select * from {{ ref('stg_procore_analytics__cost_codes') }}

    ),

    shared_cost_types as (

        select * from {{ ref('int_line_item_types_unioned') }}

    ),

    shared_views as (

        select
            project_id,
            budget_view_id,
            min(created_at) as created_at
        from shared_budget_rows
        group by project_id, budget_view_id

    ),

    shared_chosen_views as (

        select
            project_id,
            budget_view_id,
            row_number() over (
                partition by project_id
                order by created_at, budget_view_id
            ) as preference
        from shared_views

    ),

    analytics_budget_lines as (

        select
            cast(
                coalesce(
                    shared_budget_rows.budget_line_item_id,
                    shared_budget_rows.budget_view_standard_column_id
                ) as {{ dbt.type_string() }}
            ) as budget_row_id,
            shared_budget_rows.budget_line_item_id,
            shared_budget_rows.budget_view_id,
            cast(null as {{ dbt.type_string() }}) as budget_view_name,
            shared_budget_rows.project_id,
            shared_budget_rows.cost_code_id,
            shared_budget_rows.line_item_type_id,
            shared_budget_rows.wbs_code_id,
            cast(null as {{ dbt.type_bigint() }}) as sub_job_id,
            shared_cost_codes.cost_code,
            shared_cost_codes.cost_code_name,
            shared_cost_codes.division_code,
            shared_cost_types.cost_type,
            cast(null as {{ dbt.type_string() }}) as sub_job_name,
            case
                when
                    shared_budget_rows.forecast_to_complete
                    = shared_budget_rows.forecast_to_complete_automatic
                    then 'automatic'
                when
                    shared_budget_rows.forecast_to_complete
                    = shared_budget_rows.forecast_to_complete_manual
                    then 'manual'
            end as forecast_calculation_strategy,
            cast(null as {{ dbt.type_string() }}) as currency_iso_code,
            shared_budget_rows.original_budget,
            shared_budget_rows.budget_modifications,
            shared_budget_rows.approved_budget_changes,
            shared_budget_rows.revised_budget,
            shared_budget_rows.pending_budget_changes,
            shared_budget_rows.projected_budget,
            shared_budget_rows.committed_costs,
            shared_budget_rows.direct_costs,
            shared_budget_rows.job_to_date_costs,
            shared_budget_rows.pending_cost_changes,
            shared_budget_rows.projected_costs,
            shared_budget_rows.forecast_to_complete,
            shared_budget_rows.estimated_cost_at_completion,
            shared_budget_rows.projected_over_under
        from shared_budget_rows
        inner join shared_chosen_views
            on
                shared_budget_rows.budget_view_id = shared_chosen_views.budget_view_id
                and shared_chosen_views.preference = 1
        left join shared_cost_codes
            on shared_budget_rows.cost_code_id = shared_cost_codes.cost_code_id
        left join shared_cost_types
            on
                shared_budget_rows.company_id = shared_cost_types.company_id
                and shared_budget_rows.line_item_type_id = shared_cost_types.line_item_type_id

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources(
        'rest_budget_lines', 'analytics_budget_lines', columns, 'project_id'
    ) }}

)

select * from unioned
