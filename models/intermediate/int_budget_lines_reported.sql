{#
    Procore's own budget figures: the detail rows of one budget view per project, so that a
    line is never counted twice (docs/decisions.md, "Which view"). The view named "Procore
    Standard Budget" wins when the project has one, else the project's oldest view. A money
    column stays null where the chosen view does not show it.
#}

with

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

final as (

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

)

select * from final
