-- Procore's budget and our recomputation from the objects must agree to the cent.
--
-- fct_budget_vs_commitments shows Procore's own figures (what a project manager sees) and
-- falls back to `int_budget_lines_computed` only where Procore's row lacks a figure or there
-- is no row. That fallback is only trustworthy if the two agree wherever both exist: a
-- difference means our reading of Procore's rules (status families, which commitments and
-- direct costs count, deleted records) has drifted from Procore's, and the computed lines
-- would then be wrong too. So for every budget line of the one chosen view per project,
-- each of the five source figures Procore shows must equal the computed one exactly
-- (decimal(18, 2), no tolerance). A line with no computed row had no object touching it:
-- its computed figures are 0. A figure the view does not show (null) has nothing to check.
-- Returns the offending lines with both values.

with

reported as (

    select * from {{ ref('int_budget_lines_reported') }}

),

computed as (

    select * from {{ ref('int_budget_lines_computed') }}

),

compared as (

    select
        reported.budget_row_id,
        reported.budget_view_id,
        reported.project_id,
        reported.cost_code_id,
        reported.line_item_type_id,
        reported.approved_budget_changes as procore_approved_budget_changes,
        reported.pending_budget_changes as procore_pending_budget_changes,
        reported.committed_costs as procore_committed_costs,
        reported.direct_costs as procore_direct_costs,
        reported.pending_cost_changes as procore_pending_cost_changes,
        coalesce(computed.approved_budget_changes, 0) as computed_approved_budget_changes,
        coalesce(computed.pending_budget_changes, 0) as computed_pending_budget_changes,
        coalesce(computed.committed_costs, 0) as computed_committed_costs,
        coalesce(computed.direct_costs, 0) as computed_direct_costs,
        coalesce(computed.pending_cost_changes, 0) as computed_pending_cost_changes
    from reported
    left join computed
        on
            reported.project_id = computed.project_id
            and reported.cost_code_id = computed.cost_code_id
            and reported.line_item_type_id = computed.line_item_type_id

)

select * from compared
where
    procore_approved_budget_changes <> computed_approved_budget_changes
    or procore_pending_budget_changes <> computed_pending_budget_changes
    or procore_committed_costs <> computed_committed_costs
    or procore_direct_costs <> computed_direct_costs
    or procore_pending_cost_changes <> computed_pending_cost_changes
