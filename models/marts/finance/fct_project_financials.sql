{#
    One row per project (every project of dim_projects): its budget lines summed, the value
    of its prime contracts, the projected margin, percent complete by the cost-to-cost
    method, and the change order exposure totals (docs/decisions.md, "Project financials").
    A project without budget lines, contracts or change orders shows zeros.
#}

with

projects as (

    select * from {{ ref('dim_projects') }}

),

budget_lines as (

    select * from {{ ref('fct_budget_vs_commitments') }}

),

prime_contracts as (

    select * from {{ ref('int_prime_contracts_valued') }}

),

exposure as (

    select * from {{ ref('fct_change_order_exposure') }}

),

budget_totals as (

    select
        project_id,
        sum(original_budget) as original_budget,
        sum(budget_modifications) as budget_modifications,
        sum(approved_budget_changes) as approved_budget_changes,
        sum(revised_budget) as revised_budget,
        sum(pending_budget_changes) as pending_budget_changes,
        sum(projected_budget) as projected_budget,
        sum(committed_costs) as committed_costs,
        sum(direct_costs) as direct_costs,
        sum(job_to_date_costs) as job_to_date_costs,
        sum(pending_cost_changes) as pending_cost_changes,
        sum(projected_costs) as projected_costs,
        sum(forecast_to_complete) as forecast_to_complete,
        sum(estimated_cost_at_completion) as estimated_cost_at_completion,
        sum(projected_over_under) as projected_over_under,
        sum(uncommitted_budget) as uncommitted_budget
    from budget_lines
    group by project_id

),

contract_totals as (

    select
        project_id,
        sum(original_amount) as original_contract_value,
        sum(approved_change_orders) as approved_contract_changes
    from prime_contracts
    group by project_id

),

joined as (

    select
        projects.project_id,
        projects.project_name,
        projects.company_id,
        coalesce(budget_totals.original_budget, 0) as original_budget,
        coalesce(budget_totals.budget_modifications, 0) as budget_modifications,
        coalesce(budget_totals.approved_budget_changes, 0) as approved_budget_changes,
        coalesce(budget_totals.revised_budget, 0) as revised_budget,
        coalesce(budget_totals.pending_budget_changes, 0) as pending_budget_changes,
        coalesce(budget_totals.projected_budget, 0) as projected_budget,
        coalesce(budget_totals.committed_costs, 0) as committed_costs,
        coalesce(budget_totals.direct_costs, 0) as direct_costs,
        coalesce(budget_totals.job_to_date_costs, 0) as job_to_date_costs,
        coalesce(budget_totals.pending_cost_changes, 0) as pending_cost_changes,
        coalesce(budget_totals.projected_costs, 0) as projected_costs,
        coalesce(budget_totals.forecast_to_complete, 0) as forecast_to_complete,
        coalesce(budget_totals.estimated_cost_at_completion, 0)
            as estimated_cost_at_completion,
        coalesce(budget_totals.projected_over_under, 0) as projected_over_under,
        coalesce(budget_totals.uncommitted_budget, 0) as uncommitted_budget,
        coalesce(contract_totals.original_contract_value, 0) as original_contract_value,
        coalesce(contract_totals.approved_contract_changes, 0) as approved_contract_changes,
        coalesce(exposure.unpriced_exposure, 0) as unpriced_exposure,
        coalesce(exposure.prime_pending_amount, 0) as prime_pending_amount,
        coalesce(exposure.commitment_pending_amount, 0) as commitment_pending_amount,
        coalesce(exposure.unfunded_commitment_changes, 0) as unfunded_commitment_changes,
        coalesce(exposure.change_order_margin, 0) as change_order_margin
    from projects
    left join budget_totals
        on projects.project_id = budget_totals.project_id
    left join contract_totals
        on projects.project_id = contract_totals.project_id
    left join exposure
        on projects.project_id = exposure.project_id

),

measured as (

    select
        *,
        original_contract_value + approved_contract_changes as revised_contract_value,
        original_contract_value + approved_contract_changes - estimated_cost_at_completion
            as projected_margin,
        -- Cost to cost: job-to-date costs over the estimated cost at completion, capped at
        -- 100 %; empty when nothing is estimated.
        case
            when estimated_cost_at_completion = 0 then null
            when job_to_date_costs >= estimated_cost_at_completion then 1.0
            else
                cast(job_to_date_costs as double)
                / cast(estimated_cost_at_completion as double)
        end as percent_complete
    from joined

),

final as (

    select
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(project_name as {{ dbt.type_string() }}) as project_name,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        {{ cast_money('original_budget') }} as original_budget,
        {{ cast_money('budget_modifications') }} as budget_modifications,
        {{ cast_money('approved_budget_changes') }} as approved_budget_changes,
        {{ cast_money('revised_budget') }} as revised_budget,
        {{ cast_money('pending_budget_changes') }} as pending_budget_changes,
        {{ cast_money('projected_budget') }} as projected_budget,
        {{ cast_money('committed_costs') }} as committed_costs,
        {{ cast_money('direct_costs') }} as direct_costs,
        {{ cast_money('job_to_date_costs') }} as job_to_date_costs,
        {{ cast_money('pending_cost_changes') }} as pending_cost_changes,
        {{ cast_money('projected_costs') }} as projected_costs,
        {{ cast_money('forecast_to_complete') }} as forecast_to_complete,
        {{ cast_money('estimated_cost_at_completion') }} as estimated_cost_at_completion,
        {{ cast_money('projected_over_under') }} as projected_over_under,
        {{ cast_money('uncommitted_budget') }} as uncommitted_budget,
        {{ cast_money('original_contract_value') }} as original_contract_value,
        {{ cast_money('approved_contract_changes') }} as approved_contract_changes,
        {{ cast_money('revised_contract_value') }} as revised_contract_value,
        {{ cast_money('projected_margin') }} as projected_margin,
        cast(percent_complete as double) as percent_complete,
        {{ cast_money('unpriced_exposure') }} as unpriced_exposure,
        {{ cast_money('prime_pending_amount') }} as prime_pending_amount,
        {{ cast_money('commitment_pending_amount') }} as commitment_pending_amount,
        {{ cast_money('unfunded_commitment_changes') }} as unfunded_commitment_changes,
        {{ cast_money('change_order_margin') }} as change_order_margin
    from measured

)

select * from final
