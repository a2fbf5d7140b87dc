{#
    The budget's source columns recomputed from the objects, one row per project x cost code
    x cost type (docs/decisions.md, "Budget vs commitments"):
    - approved / pending budget changes: lines of live prime-side PCOs in the approved /
      pending status family;
    - committed costs: schedule-of-values lines of committed subcontracts and purchase
      orders, plus lines of live commitment-side PCOs that are approved;
    - pending cost changes: lines of live commitment-side PCOs in the pending family;
    - direct costs: lines of live direct costs that are submitted (pending, revise and
      resubmit, approved; drafts do not count).
    Draft, rejected, void and no-charge change orders count nowhere. A line appears once a
    counted object touches its code.

    Every input holds the rows of the sources the build reads: the PCO and commitment lines
    and the cost types through their intermediate models, the direct cost lines (with their
    direct cost's status) here (union_procore_sources: under `both`, a project's direct cost
    lines come from REST when the REST load holds any). The share has no delete marker: a
    deleted direct cost is absent, its lines with it.
#}

{%- set direct_cost_line_columns = [
    'direct_cost_line_item_id', 'project_id', 'cost_code_id', 'line_item_type_id',
    'direct_cost_status', 'is_deleted', 'amount',
] %}

with

pco_lines as (

    select * from {{ ref('int_potential_change_order_lines_sided') }}

),

commitment_lines as (

    select * from {{ ref('int_commitment_line_items_unioned') }}

),

{% if reads_rest() -%}
    rest_direct_cost_lines as (

        select
            direct_cost_lines.direct_cost_line_item_id,
            direct_cost_lines.project_id,
            direct_cost_lines.cost_code_id,
            direct_cost_lines.line_item_type_id,
            direct_costs.direct_cost_status,
            direct_costs.is_deleted,
            direct_cost_lines.amount
        from {{ ref('stg_procore__direct_cost_line_items') }} as direct_cost_lines
        inner join {{ ref('stg_procore__direct_costs') }} as direct_costs
            on direct_cost_lines.direct_cost_id = direct_costs.direct_cost_id

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_direct_cost_lines as (

        select
            direct_cost_lines.direct_cost_line_item_id,
            direct_cost_lines.project_id,
            direct_cost_lines.cost_code_id,
            direct_cost_lines.line_item_type_id,
            direct_costs.direct_cost_status,
            direct_costs.is_deleted,
            direct_cost_lines.amount
        from {{ ref('stg_procore_analytics__direct_cost_line_items') }} as direct_cost_lines
        inner join {{ ref('stg_procore_analytics__direct_costs') }} as direct_costs
            on direct_cost_lines.direct_cost_id = direct_costs.direct_cost_id

    ),
{%- endif %}

unioned_direct_cost_lines as (

    {{ union_procore_sources(
        'rest_direct_cost_lines', 'analytics_direct_cost_lines', direct_cost_line_columns,
        'project_id'
    ) }}

),

line_item_types as (

    select * from {{ ref('int_line_item_types_unioned') }}

),

direct_cost_lines as (

    select * from unioned_direct_cost_lines
    where
        not is_deleted
        and direct_cost_status in ('pending', 'revise_and_resubmit', 'approved')

),

amounts as (

    select
        project_id,
        cost_code_id,
        line_item_type_id,
        case
            when contract_side = 'prime' and status_group = 'approved' then amount else 0
        end as approved_budget_changes,
        case
            when contract_side = 'prime' and status_group = 'pending' then amount else 0
        end as pending_budget_changes,
        case
            when contract_side = 'commitment' and status_group = 'approved' then amount else 0
        end as committed_costs,
        0 as direct_costs,
        case
            when contract_side = 'commitment' and status_group = 'pending' then amount else 0
        end as pending_cost_changes
    from pco_lines
    where status_group in ('approved', 'pending')

    union all

    select
        project_id,
        cost_code_id,
        line_item_type_id,
        0 as approved_budget_changes,
        0 as pending_budget_changes,
        amount as committed_costs,
        0 as direct_costs,
        0 as pending_cost_changes
    from commitment_lines
    where is_committed

    union all

    select
        project_id,
        cost_code_id,
        line_item_type_id,
        0 as approved_budget_changes,
        0 as pending_budget_changes,
        0 as committed_costs,
        amount as direct_costs,
        0 as pending_cost_changes
    from direct_cost_lines

),

summed as (

    select
        project_id,
        cost_code_id,
        line_item_type_id,
        sum(approved_budget_changes) as approved_budget_changes,
        sum(pending_budget_changes) as pending_budget_changes,
        sum(committed_costs) as committed_costs,
        sum(direct_costs) as direct_costs,
        sum(pending_cost_changes) as pending_cost_changes
    from amounts
    group by project_id, cost_code_id, line_item_type_id

),

final as (

    select
        summed.project_id,
        summed.cost_code_id,
        summed.line_item_type_id,
        line_item_types.cost_type,
        {{ cast_money('summed.approved_budget_changes') }} as approved_budget_changes,
        {{ cast_money('summed.pending_budget_changes') }} as pending_budget_changes,
        {{ cast_money('summed.committed_costs') }} as committed_costs,
        {{ cast_money('summed.direct_costs') }} as direct_costs,
        {{ cast_money('summed.pending_cost_changes') }} as pending_cost_changes
    from summed
    left join line_item_types
        on summed.line_item_type_id = line_item_types.line_item_type_id

)

select * from final
