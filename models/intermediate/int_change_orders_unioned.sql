{#
    Live prime contract change orders (PCCOs) and commitment change orders (CCOs) in one
    shape: the side of the contract, the contract's number, title and vendor (the owner for
    a prime contract, the subcontractor or supplier for a commitment), the status family
    from the seed, and the change events each came from. `has_approved_prime_change_order`
    says whether one of those change events is on a live approved prime change order: an
    approved commitment change order without one is unfunded (docs/decisions.md).
#}
with

prime_change_orders as (

    select * from {{ ref('stg_procore__prime_change_orders') }}
    where not is_deleted

),

commitment_change_orders as (

    select * from {{ ref('stg_procore__commitment_change_orders') }}
    where not is_deleted

),

prime_contracts as (

    select * from {{ ref('stg_procore__prime_contracts') }}

),

commitment_contracts as (

    select
        work_order_contract_id as commitment_id,
        'subcontract' as contract_type,
        contract_number,
        title,
        vendor_id,
        vendor_name
    from {{ ref('stg_procore__work_order_contracts') }}

    union all

    select
        purchase_order_contract_id as commitment_id,
        'purchase_order' as contract_type,
        contract_number,
        title,
        vendor_id,
        vendor_name
    from {{ ref('stg_procore__purchase_order_contracts') }}

),

change_order_change_events as (

    select * from {{ ref('stg_procore__change_order_change_events') }}

),

status_groups as (

    select * from {{ ref('change_order_status_groups') }}

),

unioned as (

    select
        prime_change_orders.prime_change_order_id as change_order_id,
        'prime' as contract_side,
        'prime_contract' as contract_type,
        prime_change_orders.project_id,
        prime_change_orders.prime_contract_id as contract_id,
        prime_contracts.contract_number,
        prime_contracts.title as contract_title,
        prime_contracts.vendor_id,
        prime_contracts.vendor_name,
        prime_change_orders.change_order_package_id,
        prime_change_orders.change_order_number,
        prime_change_orders.revision,
        prime_change_orders.title,
        prime_change_orders.change_order_status,
        prime_change_orders.amount,
        prime_change_orders.change_reason,
        prime_change_orders.schedule_impact_days,
        prime_change_orders.is_executed,
        prime_change_orders.due_date,
        prime_change_orders.created_at,
        prime_change_orders.reviewed_at
    from prime_change_orders
    left join prime_contracts
        on prime_change_orders.prime_contract_id = prime_contracts.prime_contract_id

    union all

    select
        commitment_change_orders.commitment_change_order_id as change_order_id,
        'commitment' as contract_side,
        commitment_contracts.contract_type,
        commitment_change_orders.project_id,
        commitment_change_orders.commitment_id as contract_id,
        commitment_contracts.contract_number,
        commitment_contracts.title as contract_title,
        commitment_contracts.vendor_id,
        commitment_contracts.vendor_name,
        commitment_change_orders.change_order_package_id,
        commitment_change_orders.change_order_number,
        commitment_change_orders.revision,
        commitment_change_orders.title,
        commitment_change_orders.change_order_status,
        commitment_change_orders.amount,
        commitment_change_orders.change_reason,
        commitment_change_orders.schedule_impact_days,
        commitment_change_orders.is_executed,
        commitment_change_orders.due_date,
        commitment_change_orders.created_at,
        commitment_change_orders.reviewed_at
    from commitment_change_orders
    left join commitment_contracts
        on commitment_change_orders.commitment_id = commitment_contracts.commitment_id

),

grouped as (

    select
        unioned.*,
        status_groups.status_group
    from unioned
    left join status_groups
        on lower(unioned.change_order_status) = status_groups.change_order_status

),

-- Change events on a live approved prime change order: the owner agreed to pay for them.
funded_change_events as (

    select distinct change_order_change_events.change_event_id
    from change_order_change_events
    inner join grouped
        on
            change_order_change_events.change_order_id = grouped.change_order_id
            and change_order_change_events.contract_side = grouped.contract_side
    where
        grouped.contract_side = 'prime'
        and grouped.status_group = 'approved'

),

change_events_per_order as (

    select
        change_order_change_events.contract_side,
        change_order_change_events.change_order_id,
        {{ dbt.listagg(
            'cast(change_order_change_events.change_event_id as ' ~ dbt.type_string() ~ ')',
            "', '",
            'order by change_order_change_events.change_event_id'
        ) }} as change_event_ids,
        count(*) as change_event_count,
        sum(
            case when funded_change_events.change_event_id is not null then 1 else 0 end
        ) as funded_change_event_count
    from change_order_change_events
    left join funded_change_events
        on change_order_change_events.change_event_id = funded_change_events.change_event_id
    group by
        change_order_change_events.contract_side,
        change_order_change_events.change_order_id

),

summarised as (

    select
        grouped.*,
        coalesce(change_events_per_order.change_event_ids, '') as change_event_ids,
        coalesce(change_events_per_order.change_event_count, 0) as change_event_count,
        coalesce(change_events_per_order.funded_change_event_count, 0) > 0
            as has_approved_prime_change_order
    from grouped
    left join change_events_per_order
        on
            grouped.change_order_id = change_events_per_order.change_order_id
            and grouped.contract_side = change_events_per_order.contract_side

),

final as (

    select
        change_order_id,
        contract_side,
        contract_type,
        project_id,
        contract_id,
        contract_number,
        contract_title,
        vendor_id,
        vendor_name,
        change_order_package_id,
        change_order_number,
        revision,
        title,
        change_order_status,
        status_group,
        amount,
        change_reason,
        schedule_impact_days,
        is_executed,
        change_event_ids,
        change_event_count,
        has_approved_prime_change_order,
        due_date,
        created_at,
        reviewed_at
    from summarised

)

select * from final
