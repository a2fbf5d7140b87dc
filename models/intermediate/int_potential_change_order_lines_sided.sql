{#
    The lines of live potential change orders, each with its PCO's side of the contract and
    status family: the building block of the budget's approved and pending changes (prime
    side) and committed and pending cost changes (commitment side), and of the latest price
    and cost of a change event line (through `change_event_line_item_id`).
#}
with

lines as (

    select * from {{ ref('stg_procore__potential_change_order_line_items') }}

),

potential_change_orders as (

    select * from {{ ref('int_potential_change_orders_sided') }}

),

joined as (

    select
        lines.potential_change_order_line_item_id,
        lines.potential_change_order_id,
        potential_change_orders.contract_side,
        potential_change_orders.contract_id,
        potential_change_orders.pco_status,
        potential_change_orders.status_group,
        lines.project_id,
        lines.cost_code_id,
        lines.line_item_type_id,
        lines.change_event_line_item_id,
        lines.change_event_id,
        lines.amount
    from lines
    inner join potential_change_orders
        on lines.potential_change_order_id = potential_change_orders.potential_change_order_id

)

select * from joined
