{#
    The schedule-of-values lines of live subcontracts and purchase orders in one shape, each
    with its commitment's status and whether that commitment counts as committed: the lines
    of committed commitments make the budget's committed costs.
#}

with

commitments as (

    select * from {{ ref('int_commitments_unioned') }}

),

lines as (

    select
        work_order_contract_line_item_id as commitment_line_item_id,
        work_order_contract_id as commitment_id,
        project_id,
        cost_code_id,
        line_item_type_id,
        wbs_code_id,
        line_position,
        description,
        wbs_code,
        unit_of_measure,
        quantity,
        unit_cost,
        amount
    from {{ ref('stg_procore__work_order_contract_line_items') }}

    union all

    select
        purchase_order_contract_line_item_id as commitment_line_item_id,
        purchase_order_contract_id as commitment_id,
        project_id,
        cost_code_id,
        line_item_type_id,
        wbs_code_id,
        line_position,
        description,
        wbs_code,
        unit_of_measure,
        quantity,
        unit_cost,
        amount
    from {{ ref('stg_procore__purchase_order_contract_line_items') }}

),

final as (

    select
        lines.commitment_line_item_id,
        lines.commitment_id,
        commitments.commitment_type,
        lines.project_id,
        lines.cost_code_id,
        lines.line_item_type_id,
        lines.wbs_code_id,
        commitments.vendor_id,
        lines.line_position,
        lines.description,
        lines.wbs_code,
        lines.unit_of_measure,
        commitments.contract_status,
        commitments.is_committed,
        lines.quantity,
        lines.unit_cost,
        lines.amount
    from lines
    -- Only lines of live commitments: a deleted commitment's lines go with it.
    inner join commitments
        on lines.commitment_id = commitments.commitment_id

)

select * from final
