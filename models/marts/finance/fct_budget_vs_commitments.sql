{#
    One row per budget line (project x cost code x cost type) with Procore's Standard Budget
    columns (docs/decisions.md, "Budget vs commitments"). Procore's detail rows of the one
    chosen view per project are full-outer-joined to the figures recomputed from the
    objects: each figure is Procore's where its row has it, else the computed one, and each
    total is Procore's where present, else derived by Procore's formulas. `figure_source`
    says which: procore (every figure from Procore's row), computed (no Procore row) or
    mixed.
#}

with

reported as (

    select * from {{ ref('int_budget_lines_reported') }}

),

computed as (

    select * from {{ ref('int_budget_lines_computed') }}

),

cost_codes as (

    select * from {{ ref('dim_cost_codes') }}

),

joined as (

    select
        reported.budget_row_id,
        reported.budget_view_id,
        reported.sub_job_id,
        reported.cost_code as reported_cost_code,
        reported.cost_code_name as reported_cost_code_name,
        reported.division_code as reported_division_code,

        -- Procore's totals, null where its row lacks them.
        reported.revised_budget as reported_revised_budget,
        reported.projected_budget as reported_projected_budget,
        reported.job_to_date_costs as reported_job_to_date_costs,
        reported.projected_costs as reported_projected_costs,
        reported.forecast_to_complete as reported_forecast_to_complete,
        reported.estimated_cost_at_completion as reported_estimated_cost_at_completion,
        reported.projected_over_under as reported_projected_over_under,

        coalesce(reported.project_id, computed.project_id) as project_id,
        coalesce(reported.cost_code_id, computed.cost_code_id) as cost_code_id,
        coalesce(reported.line_item_type_id, computed.line_item_type_id) as line_item_type_id,
        coalesce(reported.cost_type, computed.cost_type) as cost_type,
        case
            when reported.budget_row_id is null then 'computed'
            when
                reported.original_budget is null
                or reported.budget_modifications is null
                or reported.approved_budget_changes is null
                or reported.revised_budget is null
                or reported.pending_budget_changes is null
                or reported.projected_budget is null
                or reported.committed_costs is null
                or reported.direct_costs is null
                or reported.job_to_date_costs is null
                or reported.pending_cost_changes is null
                or reported.projected_costs is null
                or reported.forecast_to_complete is null
                or reported.estimated_cost_at_completion is null
                or reported.projected_over_under is null
                then 'mixed'
            else 'procore'
        end as figure_source,

        -- Source figures: Procore's, else recomputed from the objects. The original budget
        -- and modifications exist only in Procore.
        coalesce(reported.original_budget, 0) as original_budget,
        coalesce(reported.budget_modifications, 0) as budget_modifications,
        coalesce(
            reported.approved_budget_changes, computed.approved_budget_changes, 0
        ) as approved_budget_changes,
        coalesce(
            reported.pending_budget_changes, computed.pending_budget_changes, 0
        ) as pending_budget_changes,
        coalesce(reported.committed_costs, computed.committed_costs, 0) as committed_costs,
        coalesce(reported.direct_costs, computed.direct_costs, 0) as direct_costs,
        coalesce(
            reported.pending_cost_changes, computed.pending_cost_changes, 0
        ) as pending_cost_changes

    from reported
    full outer join computed
        on
            reported.project_id = computed.project_id
            and reported.cost_code_id = computed.cost_code_id
            and reported.line_item_type_id = computed.line_item_type_id

),

budgeted as (

    select
        *,
        coalesce(
            reported_revised_budget,
            original_budget + budget_modifications + approved_budget_changes
        ) as revised_budget,
        -- Without an ERP integration, job-to-date costs are the direct costs.
        coalesce(reported_job_to_date_costs, direct_costs) as job_to_date_costs,
        coalesce(
            reported_projected_costs, committed_costs + direct_costs + pending_cost_changes
        ) as projected_costs
    from joined

),

projected as (

    select
        *,
        coalesce(reported_projected_budget, revised_budget + pending_budget_changes)
            as projected_budget
    from budgeted

),

forecast as (

    select
        *,
        -- The automatic method: what the projected budget leaves, never below 0.
        coalesce(
            reported_forecast_to_complete,
            case
                when projected_budget > projected_costs then projected_budget - projected_costs
                else 0
            end
        ) as forecast_to_complete
    from projected

),

estimated as (

    select
        *,
        coalesce(
            reported_estimated_cost_at_completion, projected_costs + forecast_to_complete
        ) as estimated_cost_at_completion
    from forecast

),

measured as (

    select
        *,
        coalesce(
            reported_projected_over_under, projected_budget - estimated_cost_at_completion
        ) as projected_over_under,
        revised_budget - committed_costs as uncommitted_budget,
        case
            when revised_budget <> 0
                then cast(committed_costs as double) / cast(revised_budget as double)
        end as percent_committed
    from estimated

),

final as (

    select
        cast(
            coalesce(
                measured.budget_row_id,
                {{ dbt.concat([
                    "'computed-'",
                    "cast(measured.project_id as " ~ dbt.type_string() ~ ")",
                    "'-'",
                    "coalesce(cast(measured.cost_code_id as " ~ dbt.type_string() ~ "), 'none')",
                    "'-'",
                    "coalesce(cast(measured.line_item_type_id as " ~ dbt.type_string()
                        ~ "), 'none')",
                ]) }}
            ) as {{ dbt.type_string() }}
        ) as budget_line_id,
        cast(measured.project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(measured.budget_view_id as {{ dbt.type_bigint() }}) as budget_view_id,
        cast(measured.cost_code_id as {{ dbt.type_bigint() }}) as cost_code_id,
        cast(coalesce(measured.reported_cost_code, cost_codes.cost_code) as {{ dbt.type_string() }})
            as cost_code,
        cast(
            coalesce(measured.reported_cost_code_name, cost_codes.cost_code_name)
            as {{ dbt.type_string() }}
        ) as cost_code_name,
        cast(
            coalesce(measured.reported_division_code, cost_codes.division_code)
            as {{ dbt.type_string() }}
        ) as division_code,
        cast(measured.line_item_type_id as {{ dbt.type_bigint() }}) as line_item_type_id,
        cast(measured.cost_type as {{ dbt.type_string() }}) as cost_type,
        cast(measured.sub_job_id as {{ dbt.type_bigint() }}) as sub_job_id,
        {{ cast_money('measured.original_budget') }} as original_budget,
        {{ cast_money('measured.budget_modifications') }} as budget_modifications,
        {{ cast_money('measured.approved_budget_changes') }} as approved_budget_changes,
        {{ cast_money('measured.revised_budget') }} as revised_budget,
        {{ cast_money('measured.pending_budget_changes') }} as pending_budget_changes,
        {{ cast_money('measured.projected_budget') }} as projected_budget,
        {{ cast_money('measured.committed_costs') }} as committed_costs,
        {{ cast_money('measured.direct_costs') }} as direct_costs,
        {{ cast_money('measured.job_to_date_costs') }} as job_to_date_costs,
        {{ cast_money('measured.pending_cost_changes') }} as pending_cost_changes,
        {{ cast_money('measured.projected_costs') }} as projected_costs,
        {{ cast_money('measured.forecast_to_complete') }} as forecast_to_complete,
        {{ cast_money('measured.estimated_cost_at_completion') }}
            as estimated_cost_at_completion,
        {{ cast_money('measured.projected_over_under') }} as projected_over_under,
        {{ cast_money('measured.uncommitted_budget') }} as uncommitted_budget,
        cast(measured.percent_committed as double) as percent_committed,
        cast(measured.projected_over_under < 0 as {{ dbt.type_boolean() }}) as is_over_budget,
        cast(measured.figure_source as {{ dbt.type_string() }}) as figure_source
    from measured
    left join cost_codes
        on measured.cost_code_id = cost_codes.cost_code_id

)

select * from final
