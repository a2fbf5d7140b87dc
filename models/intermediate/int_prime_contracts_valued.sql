{#
    Live prime (owner) contracts with their value: the original value is the schedule of
    values (the sum of the contract's line items; Procore's own `grand_total` is kept beside
    it as `reported_original_amount`), approved and pending changes sum the live prime
    contract change orders by status family (seed `change_order_status_groups`), and the
    revised value is original + approved.
#}

with

prime_contracts as (

    select * from {{ ref('stg_procore__prime_contracts') }}
    where not is_deleted

),

contract_lines as (

    select * from {{ ref('stg_procore__prime_contract_line_items') }}

),

change_orders as (

    select * from {{ ref('stg_procore__prime_change_orders') }}
    where not is_deleted

),

status_groups as (

    select * from {{ ref('change_order_status_groups') }}

),

schedule_of_values as (

    select
        prime_contract_id,
        sum(amount) as original_amount
    from contract_lines
    group by prime_contract_id

),

change_order_totals as (

    select
        change_orders.prime_contract_id,
        sum(
            case when status_groups.status_group = 'approved' then change_orders.amount else 0 end
        ) as approved_change_orders,
        sum(
            case when status_groups.status_group = 'pending' then change_orders.amount else 0 end
        ) as pending_change_orders
    from change_orders
    left join status_groups
        on change_orders.change_order_status = status_groups.change_order_status
    group by change_orders.prime_contract_id

),

final as (

    select
        prime_contracts.prime_contract_id,
        prime_contracts.project_id,
        prime_contracts.vendor_id,
        prime_contracts.contract_number,
        prime_contracts.title,
        prime_contracts.contract_status,
        prime_contracts.is_executed,
        prime_contracts.currency_iso_code,
        {{ cast_money('coalesce(schedule_of_values.original_amount, 0)') }} as original_amount,
        prime_contracts.original_contract_amount as reported_original_amount,
        {{ cast_money('coalesce(change_order_totals.approved_change_orders, 0)') }}
            as approved_change_orders,
        {{ cast_money('coalesce(change_order_totals.pending_change_orders, 0)') }}
            as pending_change_orders,
        {{ cast_money(
            'coalesce(schedule_of_values.original_amount, 0)'
            ~ ' + coalesce(change_order_totals.approved_change_orders, 0)'
        ) }} as revised_amount,
        prime_contracts.contract_date,
        prime_contracts.execution_date,
        prime_contracts.created_at
    from prime_contracts
    left join schedule_of_values
        on prime_contracts.prime_contract_id = schedule_of_values.prime_contract_id
    left join change_order_totals
        on prime_contracts.prime_contract_id = change_order_totals.prime_contract_id

)

select * from final
