{#
    The lines of live potential change orders, from the sources the build reads
    (union_procore_sources: under `both`, a project's lines come from REST when the REST
    load holds any of them), each with its PCO's side of the contract and status family: the
    building block of the budget's approved and pending changes (prime side) and committed
    and pending cost changes (commitment side), and of the latest price and cost of a change
    event line (through `change_event_line_item_id`).

    The share keeps the lines of each side in its change order line items table, one row
    per PCO line (with the amount also split into status buckets, which the PCO's status
    read here makes redundant). A line names its change event line only; the change event
    is that line's, as REST gives it.
#}

{%- set columns = [
    'potential_change_order_line_item_id', 'potential_change_order_id', 'project_id',
    'cost_code_id', 'line_item_type_id', 'change_event_line_item_id', 'change_event_id',
    'amount',
] %}

with

{% if reads_rest() -%}
    rest_lines as (

        select * from {{ ref('stg_procore__potential_change_order_line_items') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_prime_lines as (

        select * from {{ ref('stg_procore_analytics__prime_contract_change_order_line_items') }}

    ),

    shared_commitment_lines as (

        select * from {{ ref('stg_procore_analytics__commitment_change_order_line_items') }}

    ),

    shared_change_event_lines as (

        select * from {{ ref('stg_procore_analytics__change_event_line_items') }}

    ),

    shared_lines as (

        select
            potential_change_order_line_item_id,
            potential_change_order_id,
            project_id,
            cost_code_id,
            line_item_type_id,
            change_event_line_item_id,
            amount
        from shared_prime_lines

        union all

        select
            potential_change_order_line_item_id,
            potential_change_order_id,
            project_id,
            cost_code_id,
            line_item_type_id,
            change_event_line_item_id,
            amount
        from shared_commitment_lines

    ),

    analytics_lines as (

        select
            shared_lines.potential_change_order_line_item_id,
            shared_lines.potential_change_order_id,
            shared_lines.project_id,
            shared_lines.cost_code_id,
            shared_lines.line_item_type_id,
            shared_lines.change_event_line_item_id,
            shared_change_event_lines.change_event_id,
            shared_lines.amount
        from shared_lines
        left join shared_change_event_lines
            on
                shared_lines.change_event_line_item_id
                = shared_change_event_lines.change_event_line_item_id

    ),
{%- endif %}

lines as (

    {{ union_procore_sources('rest_lines', 'analytics_lines', columns, 'project_id') }}

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
