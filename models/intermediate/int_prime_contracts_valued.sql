{#
    Live prime (owner) contracts of the sources the build reads, with their value: the
    original value is the schedule of values (the sum of the contract's line items;
    Procore's own `grand_total` is kept beside it as `reported_original_amount`), approved
    and pending changes sum the live prime contract change orders by status family (seed
    `change_order_status_groups`), and the revised value is original + approved.

    Contracts, their lines and their change orders are each unioned per project
    (union_procore_sources: under `both`, a project's rows of a list come from REST when the
    REST load holds any of them), REST rows deleted or not; deleted ones are left out after
    the union. The share has no delete marker (a deleted record is absent) and does not
    publish a contract's currency (its amounts are in the project currency, which it does
    not name either).
#}

{%- set contract_columns = [
    'prime_contract_id', 'project_id', 'vendor_id', 'contract_number', 'title',
    'contract_status', 'is_executed', 'currency_iso_code', 'original_contract_amount',
    'is_deleted', 'contract_date', 'execution_date', 'created_at',
] %}
{%- set line_columns = [
    'prime_contract_line_item_id', 'prime_contract_id', 'project_id', 'amount',
] %}
{%- set change_order_columns = [
    'prime_change_order_id', 'prime_contract_id', 'project_id', 'change_order_status', 'amount',
    'is_deleted',
] %}

with

{% if reads_rest() -%}
    rest_prime_contracts as (

        select * from {{ ref('stg_procore__prime_contracts') }}

    ),

    rest_contract_lines as (

        select * from {{ ref('stg_procore__prime_contract_line_items') }}

    ),

    rest_change_orders as (

        select * from {{ ref('stg_procore__prime_change_orders') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_prime_contracts as (

        select
            prime_contract_id,
            project_id,
            vendor_id,
            contract_number,
            title,
            contract_status,
            is_executed,
            -- The share names no currency; its amounts are in the project currency.
            cast(null as {{ dbt.type_string() }}) as currency_iso_code,
            original_contract_amount,
            is_deleted,
            contract_date,
            execution_date,
            created_at
        from {{ ref('stg_procore_analytics__prime_contracts') }}

    ),

    analytics_contract_lines as (

        select
            prime_contract_line_item_id,
            prime_contract_id,
            project_id,
            amount
        from {{ ref('stg_procore_analytics__prime_contract_line_items') }}

    ),

    analytics_change_orders as (

        select
            prime_change_order_id,
            prime_contract_id,
            project_id,
            change_order_status,
            amount,
            is_deleted
        from {{ ref('stg_procore_analytics__prime_contract_change_orders') }}

    ),
{%- endif %}

unioned_prime_contracts as (

    {{ union_procore_sources(
        'rest_prime_contracts', 'analytics_prime_contracts', contract_columns, 'project_id'
    ) }}

),

contract_lines as (

    {{ union_procore_sources(
        'rest_contract_lines', 'analytics_contract_lines', line_columns, 'project_id'
    ) }}

),

unioned_change_orders as (

    {{ union_procore_sources(
        'rest_change_orders', 'analytics_change_orders', change_order_columns, 'project_id'
    ) }}

),

prime_contracts as (

    select * from unioned_prime_contracts
    where not is_deleted

),

change_orders as (

    select * from unioned_change_orders
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
