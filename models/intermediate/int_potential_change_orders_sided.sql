{#
    Live potential change orders (PCOs) of both sides, from the sources the build reads
    (union_procore_sources: under `both`, a project's PCOs come from REST when the REST load
    holds any of them), with the side of the contract each prices: `prime` when its contract
    is a prime contract, else `commitment` (a subcontract or purchase order). The status
    family comes from the seed `change_order_status_groups` by a left join, so a status the
    seed does not know keeps its row with an empty `status_group` (and the not_null test on
    it names the status).

    REST lists the PCOs of both sides together, so the side is found by joining the prime
    contracts. The share keeps one table per side, so the table says it. The share publishes
    no revision number on either side, nor a schedule impact on commitment PCOs: those stay
    empty from the share. A commitment PCO names no change order request in the share; its
    lines do, so it is read from them.
#}

{%- set columns = [
    'potential_change_order_id', 'project_id', 'contract_id', 'contract_side',
    'change_order_request_id', 'pco_number', 'revision', 'title', 'pco_status', 'amount',
    'change_reason', 'schedule_impact_days', 'is_executed', 'due_date', 'created_at',
    'reviewed_at',
] %}

with

{% if reads_rest() -%}
    rest_potential_change_orders as (

        select * from {{ ref('stg_procore__potential_change_orders') }}
        where not is_deleted

    ),

    rest_prime_contracts as (

        select prime_contract_id from {{ ref('stg_procore__prime_contracts') }}

    ),

    rest_sided as (

        select
            pcos.potential_change_order_id,
            pcos.project_id,
            pcos.contract_id,
            pcos.change_order_request_id,
            pcos.pco_number,
            pcos.revision,
            pcos.title,
            pcos.pco_status,
            pcos.amount,
            pcos.change_reason,
            pcos.schedule_impact_days,
            pcos.is_executed,
            pcos.due_date,
            pcos.created_at,
            pcos.reviewed_at,
            case
                when rest_prime_contracts.prime_contract_id is not null then 'prime'
                else 'commitment'
            end as contract_side
        from rest_potential_change_orders as pcos
        left join rest_prime_contracts
            on pcos.contract_id = rest_prime_contracts.prime_contract_id

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_prime_pcos as (

        select * from {{ ref('stg_procore_analytics__prime_contract_potential_change_orders') }}

    ),

    shared_commitment_pcos as (

        select * from {{ ref('stg_procore_analytics__commitment_potential_change_orders') }}

    ),

    shared_commitment_pco_lines as (

        select * from {{ ref('stg_procore_analytics__commitment_change_order_line_items') }}

    ),

    -- Every line of a PCO names the change order request of its PCO.
    commitment_pco_requests as (

        select
            potential_change_order_id,
            max(change_order_request_id) as change_order_request_id
        from shared_commitment_pco_lines
        group by potential_change_order_id

    ),

    analytics_sided as (

        select
            potential_change_order_id,
            project_id,
            prime_contract_id as contract_id,
            'prime' as contract_side,
            change_order_request_id,
            pco_number,
            cast(null as {{ dbt.type_int() }}) as revision,
            title,
            pco_status,
            amount,
            change_reason,
            schedule_impact_days,
            is_executed,
            due_date,
            created_at,
            reviewed_at
        from shared_prime_pcos

        union all

        select
            shared_commitment_pcos.potential_change_order_id,
            shared_commitment_pcos.project_id,
            shared_commitment_pcos.commitment_id as contract_id,
            'commitment' as contract_side,
            commitment_pco_requests.change_order_request_id,
            shared_commitment_pcos.pco_number,
            cast(null as {{ dbt.type_int() }}) as revision,
            shared_commitment_pcos.title,
            shared_commitment_pcos.pco_status,
            shared_commitment_pcos.amount,
            shared_commitment_pcos.change_reason,
            cast(null as {{ dbt.type_int() }}) as schedule_impact_days,
            shared_commitment_pcos.is_executed,
            shared_commitment_pcos.due_date,
            shared_commitment_pcos.created_at,
            shared_commitment_pcos.reviewed_at
        from shared_commitment_pcos
        left join commitment_pco_requests
            on
                shared_commitment_pcos.potential_change_order_id
                = commitment_pco_requests.potential_change_order_id

    ),
{%- endif %}

sided as (

    {{ union_procore_sources('rest_sided', 'analytics_sided', columns, 'project_id') }}

),

status_groups as (

    select
        change_order_status,
        status_group
    from {{ ref('change_order_status_groups') }}

),

final as (

    select
        sided.potential_change_order_id,
        sided.project_id,
        sided.contract_id,
        sided.contract_side,
        sided.change_order_request_id,
        sided.pco_number,
        sided.revision,
        sided.title,
        sided.pco_status,
        status_groups.status_group,
        sided.amount,
        sided.change_reason,
        sided.schedule_impact_days,
        sided.is_executed,
        sided.due_date,
        sided.created_at,
        sided.reviewed_at
    from sided
    left join status_groups
        on lower(sided.pco_status) = status_groups.change_order_status

)

select * from final
