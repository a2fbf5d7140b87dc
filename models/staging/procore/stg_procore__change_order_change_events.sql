{#
    The change events a change order came from. Prime and commitment change orders list
    them inside the change order (`change_events`, a JSON array of `{id, number}` in raw):
    one row per (change order, change event) here, both sides stacked. A prime change order
    over a package of several PCOs lists every PCO's event; a change event split over several
    commitments appears under each of their commitment change orders.
#}

with

prime_change_orders as (

    select * from {{ procore_source('prime_change_orders') }}

),

commitment_change_orders as (

    select * from {{ procore_source('commitment_change_orders') }}

),

unnested as (

    {{ unnest_json_array(
        'prime_change_orders',
        'change_events',
        [
            "'prime' as contract_side",
            'id as change_order_id',
            '_procore_project_id as project_id',
        ],
    ) }}

    union all

    {{ unnest_json_array(
        'commitment_change_orders',
        'change_events',
        [
            "'commitment' as contract_side",
            'id as change_order_id',
            '_procore_project_id as project_id',
        ],
    ) }}

),

renamed as (

    select
        -- ids
        cast(change_order_id as {{ dbt.type_bigint() }}) as change_order_id,
        {{ json_field('element', '$.id', dbt.type_bigint()) }} as change_event_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,

        -- strings
        cast(contract_side as {{ dbt.type_string() }}) as contract_side,
        {{ json_field('element', '$.number', dbt.type_string()) }} as change_event_number

    from unnested

)

select * from renamed
