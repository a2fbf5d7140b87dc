{% set change_orders = ['prime_contracts', 'potential_change_orders',
                        'potential_change_order_line_items'] %}
{% set commitments = ['work_order_contracts', 'work_order_contract_line_items',
                      'purchase_order_contracts', 'purchase_order_contract_line_items'] %}
{% set mismatches = ['false'] %}
{% if procore_sources_loaded(change_orders) %}
    {% do mismatches.extend([
        'procore_approved_budget_changes <> computed_approved_budget_changes',
        'procore_pending_budget_changes <> computed_pending_budget_changes',
        'procore_pending_cost_changes <> computed_pending_cost_changes',
    ]) %}
{% endif %}
{% if procore_sources_loaded(change_orders + commitments) %}
    {% do mismatches.append('procore_committed_costs <> computed_committed_costs') %}
{% endif %}
{% if procore_sources_loaded(['direct_costs', 'direct_cost_line_items']) %}
    {% do mismatches.append('procore_direct_costs <> computed_direct_costs') %}
{% endif %}

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
--
-- A figure is compared only where the lists it is computed from were loaded: an account that
-- may read the budget but not, say, commitments still gets Procore's figures in the mart, and
-- nothing to recompute them from.

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
    {{ mismatches | join('\n    or ') }}
