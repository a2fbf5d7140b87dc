{#
    Live potential change orders (PCOs) of both sides, with the side of the contract each
    prices: `prime` when its contract is a prime contract, else `commitment` (a subcontract
    or purchase order). The status family comes from the seed `change_order_status_groups`
    by a left join, so a status the seed does not know keeps its row with an empty
    `status_group` (and the not_null test on it names the status).
#}
with

potential_change_orders as (

    select * from {{ ref('stg_procore__potential_change_orders') }}
    where not is_deleted

),

prime_contracts as (

    select prime_contract_id from {{ ref('stg_procore__prime_contracts') }}

),

status_groups as (

    select
        change_order_status,
        status_group
    from {{ ref('change_order_status_groups') }}

),

sided as (

    select
        pcos.potential_change_order_id,
        pcos.project_id,
        pcos.contract_id,
        pcos.change_order_request_id,
        pcos.pco_number,
        pcos.revision,
        pcos.title,
        pcos.pco_status,
        status_groups.status_group,
        pcos.amount,
        pcos.change_reason,
        pcos.schedule_impact_days,
        pcos.is_executed,
        pcos.due_date,
        pcos.created_at,
        pcos.reviewed_at,
        case
            when prime_contracts.prime_contract_id is not null then 'prime'
            else 'commitment'
        end as contract_side
    from potential_change_orders as pcos
    left join prime_contracts
        on pcos.contract_id = prime_contracts.prime_contract_id
    left join status_groups
        on lower(pcos.pco_status) = status_groups.change_order_status

),

final as (

    select
        potential_change_order_id,
        project_id,
        contract_id,
        contract_side,
        change_order_request_id,
        pco_number,
        revision,
        title,
        pco_status,
        status_group,
        amount,
        change_reason,
        schedule_impact_days,
        is_executed,
        due_date,
        created_at,
        reviewed_at
    from sided

)

select * from final
