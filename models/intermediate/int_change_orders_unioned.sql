{#
    Live prime contract change orders (PCCOs) and commitment change orders (CCOs) in one
    shape, from the sources the build reads (union_procore_sources: under `both`, a
    project's change orders, and the change events they came from, come from REST when the
    REST load holds any): the side of the contract, the contract's number, title and vendor
    (the owner for a prime contract, the subcontractor or supplier for a commitment), the
    status family from the seed, and the change events each came from.
    `has_approved_prime_change_order` says whether one of those change events is on a live
    approved prime change order: an approved commitment change order without one is
    unfunded (docs/decisions.md).

    REST lists a change order's change events inside it. The share does not: they are
    traced through its potential change orders (each names the change order it is on and
    the change event it came from) and their lines (each names the change event line it
    prices). The share publishes neither a change order's package nor its revision number:
    both stay empty from the share.
#}

{%- set change_order_columns = [
    'change_order_id', 'contract_side', 'contract_type', 'project_id', 'contract_id',
    'contract_number', 'contract_title', 'vendor_id', 'vendor_name', 'change_order_package_id',
    'change_order_number', 'revision', 'title', 'change_order_status', 'amount',
    'change_reason', 'schedule_impact_days', 'is_executed', 'due_date', 'created_at',
    'reviewed_at',
] %}

{%- set change_event_columns = [
    'contract_side', 'change_order_id', 'change_event_id', 'project_id',
] %}

with

{% if reads_rest() -%}
    rest_prime_change_orders as (

        select * from {{ ref('stg_procore__prime_change_orders') }}
        where not is_deleted

    ),

    rest_commitment_change_orders as (

        select * from {{ ref('stg_procore__commitment_change_orders') }}
        where not is_deleted

    ),

    rest_prime_contracts as (

        select * from {{ ref('stg_procore__prime_contracts') }}

    ),

    rest_commitment_contracts as (

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

    rest_change_order_change_events as (

        select * from {{ ref('stg_procore__change_order_change_events') }}

    ),

    rest_change_orders as (

        select
            rest_prime_change_orders.prime_change_order_id as change_order_id,
            'prime' as contract_side,
            'prime_contract' as contract_type,
            rest_prime_change_orders.project_id,
            rest_prime_change_orders.prime_contract_id as contract_id,
            rest_prime_contracts.contract_number,
            rest_prime_contracts.title as contract_title,
            rest_prime_contracts.vendor_id,
            rest_prime_contracts.vendor_name,
            rest_prime_change_orders.change_order_package_id,
            rest_prime_change_orders.change_order_number,
            rest_prime_change_orders.revision,
            rest_prime_change_orders.title,
            rest_prime_change_orders.change_order_status,
            rest_prime_change_orders.amount,
            rest_prime_change_orders.change_reason,
            rest_prime_change_orders.schedule_impact_days,
            rest_prime_change_orders.is_executed,
            rest_prime_change_orders.due_date,
            rest_prime_change_orders.created_at,
            rest_prime_change_orders.reviewed_at
        from rest_prime_change_orders
        left join rest_prime_contracts
            on rest_prime_change_orders.prime_contract_id = rest_prime_contracts.prime_contract_id

        union all

        select
            rest_commitment_change_orders.commitment_change_order_id as change_order_id,
            'commitment' as contract_side,
            rest_commitment_contracts.contract_type,
            rest_commitment_change_orders.project_id,
            rest_commitment_change_orders.commitment_id as contract_id,
            rest_commitment_contracts.contract_number,
            rest_commitment_contracts.title as contract_title,
            rest_commitment_contracts.vendor_id,
            rest_commitment_contracts.vendor_name,
            rest_commitment_change_orders.change_order_package_id,
            rest_commitment_change_orders.change_order_number,
            rest_commitment_change_orders.revision,
            rest_commitment_change_orders.title,
            rest_commitment_change_orders.change_order_status,
            rest_commitment_change_orders.amount,
            rest_commitment_change_orders.change_reason,
            rest_commitment_change_orders.schedule_impact_days,
            rest_commitment_change_orders.is_executed,
            rest_commitment_change_orders.due_date,
            rest_commitment_change_orders.created_at,
            rest_commitment_change_orders.reviewed_at
        from rest_commitment_change_orders
        left join rest_commitment_contracts
            on
                rest_commitment_change_orders.commitment_id
                = rest_commitment_contracts.commitment_id

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_prime_change_orders as (

        select * from {{ ref('stg_procore_analytics__prime_contract_change_orders') }}

    ),

    shared_commitment_change_orders as (

        select * from {{ ref('stg_procore_analytics__commitment_change_orders') }}

    ),

    shared_prime_contracts as (

        select * from {{ ref('stg_procore_analytics__prime_contracts') }}

    ),

    shared_commitments as (

        select * from {{ ref('stg_procore_analytics__commitments') }}

    ),

    shared_prime_pcos as (

        select * from {{ ref('stg_procore_analytics__prime_contract_potential_change_orders') }}

    ),

    shared_commitment_pcos as (

        select * from {{ ref('stg_procore_analytics__commitment_potential_change_orders') }}

    ),

    shared_prime_pco_lines as (

        select * from {{ ref('stg_procore_analytics__prime_contract_change_order_line_items') }}

    ),

    shared_commitment_pco_lines as (

        select * from {{ ref('stg_procore_analytics__commitment_change_order_line_items') }}

    ),

    shared_change_event_lines as (

        select * from {{ ref('stg_procore_analytics__change_event_line_items') }}

    ),

    analytics_change_orders as (

        select
            shared_prime_change_orders.prime_change_order_id as change_order_id,
            'prime' as contract_side,
            'prime_contract' as contract_type,
            shared_prime_change_orders.project_id,
            shared_prime_change_orders.prime_contract_id as contract_id,
            shared_prime_contracts.contract_number,
            shared_prime_contracts.title as contract_title,
            shared_prime_contracts.vendor_id,
            shared_prime_contracts.vendor_name,
            cast(null as {{ dbt.type_bigint() }}) as change_order_package_id,
            shared_prime_change_orders.change_order_number,
            cast(null as {{ dbt.type_int() }}) as revision,
            shared_prime_change_orders.title,
            shared_prime_change_orders.change_order_status,
            shared_prime_change_orders.amount,
            shared_prime_change_orders.change_reason,
            shared_prime_change_orders.schedule_impact_days,
            shared_prime_change_orders.is_executed,
            shared_prime_change_orders.due_date,
            shared_prime_change_orders.created_at,
            shared_prime_change_orders.reviewed_at
        from shared_prime_change_orders
        left join shared_prime_contracts
            on
                shared_prime_change_orders.prime_contract_id
                = shared_prime_contracts.prime_contract_id

        union all

        select
            shared_commitment_change_orders.commitment_change_order_id as change_order_id,
            'commitment' as contract_side,
            shared_commitments.commitment_type as contract_type,
            shared_commitment_change_orders.project_id,
            shared_commitment_change_orders.commitment_id as contract_id,
            shared_commitments.commitment_number as contract_number,
            shared_commitments.title as contract_title,
            shared_commitments.vendor_id,
            shared_commitments.vendor_name,
            cast(null as {{ dbt.type_bigint() }}) as change_order_package_id,
            shared_commitment_change_orders.change_order_number,
            cast(null as {{ dbt.type_int() }}) as revision,
            shared_commitment_change_orders.title,
            shared_commitment_change_orders.change_order_status,
            shared_commitment_change_orders.amount,
            shared_commitment_change_orders.change_reason,
            shared_commitment_change_orders.schedule_impact_days,
            shared_commitment_change_orders.is_executed,
            shared_commitment_change_orders.due_date,
            shared_commitment_change_orders.created_at,
            shared_commitment_change_orders.reviewed_at
        from shared_commitment_change_orders
        left join shared_commitments
            on shared_commitment_change_orders.commitment_id = shared_commitments.commitment_id

    ),

    -- A change order came from the change events of its PCOs and of the change event lines
    -- their lines price (a PCO names one change event, its lines may price several).
    shared_change_order_events as (

        select
            'prime' as contract_side,
            prime_change_order_id as change_order_id,
            change_event_id,
            project_id
        from shared_prime_pcos

        union all

        select
            'commitment' as contract_side,
            commitment_change_order_id as change_order_id,
            change_event_id,
            project_id
        from shared_commitment_pcos

        union all

        select
            'prime' as contract_side,
            shared_prime_pco_lines.prime_change_order_id as change_order_id,
            shared_change_event_lines.change_event_id,
            shared_prime_pco_lines.project_id
        from shared_prime_pco_lines
        inner join shared_change_event_lines
            on
                shared_prime_pco_lines.change_event_line_item_id
                = shared_change_event_lines.change_event_line_item_id

        union all

        select
            'commitment' as contract_side,
            shared_commitment_pco_lines.commitment_change_order_id as change_order_id,
            shared_change_event_lines.change_event_id,
            shared_commitment_pco_lines.project_id
        from shared_commitment_pco_lines
        inner join shared_change_event_lines
            on
                shared_commitment_pco_lines.change_event_line_item_id
                = shared_change_event_lines.change_event_line_item_id

    ),

    analytics_change_order_change_events as (

        select distinct
            contract_side,
            change_order_id,
            change_event_id,
            project_id
        from shared_change_order_events
        where change_order_id is not null and change_event_id is not null

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources(
        'rest_change_orders', 'analytics_change_orders', change_order_columns, 'project_id'
    ) }}

),

change_order_change_events as (

    {{ union_procore_sources(
        'rest_change_order_change_events',
        'analytics_change_order_change_events',
        change_event_columns,
        'project_id',
    ) }}

),

status_groups as (

    select * from {{ ref('change_order_status_groups') }}

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
        {{ ordered_list(
            'cast(change_order_change_events.change_event_id as ' ~ dbt.type_string() ~ ')',
            "', '",
            'change_order_change_events.change_event_id'
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
