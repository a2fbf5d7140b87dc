{#
    The change order log: one row per live prime contract change order and commitment
    change order, with its contract, status family, amount, reason, the change events it
    came from, and how long it has waited (docs/decisions.md, "Change orders and exposure").
#}
with

change_orders as (

    select * from {{ ref('int_change_orders_unioned') }}

),

dated as (

    select
        *,
        {{ as_of_date() }} as as_of_date,
        cast(created_at as date) as created_date,
        cast(reviewed_at as date) as reviewed_date
    from change_orders

),

measured as (

    select
        *,
        -- Days pending: creation to today, while the change order waits for a decision.
        case
            when status_group = 'pending'
                then {{ dbt.datediff('created_date', 'as_of_date', 'day') }}
        end as days_pending,
        -- Days to review: creation to the decision, once decided.
        case
            when status_group in ('approved', 'rejected', 'void', 'no_charge')
                then {{ dbt.datediff('created_date', 'reviewed_date', 'day') }}
        end as days_to_review
    from dated

),

final as (

    select
        cast(change_order_id as {{ dbt.type_bigint() }}) as change_order_id,
        cast(contract_side as {{ dbt.type_string() }}) as contract_side,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(contract_id as {{ dbt.type_bigint() }}) as contract_id,
        cast(contract_number as {{ dbt.type_string() }}) as contract_number,
        cast(contract_title as {{ dbt.type_string() }}) as contract_title,
        cast(vendor_id as {{ dbt.type_bigint() }}) as vendor_id,
        cast(vendor_name as {{ dbt.type_string() }}) as vendor_name,
        cast(change_order_number as {{ dbt.type_string() }}) as change_order_number,
        cast(revision as {{ dbt.type_int() }}) as revision,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(change_order_status as {{ dbt.type_string() }}) as change_order_status,
        cast(status_group as {{ dbt.type_string() }}) as status_group,
        {{ cast_money('amount') }} as amount,
        cast(change_reason as {{ dbt.type_string() }}) as change_reason,
        cast(change_event_ids as {{ dbt.type_string() }}) as change_event_ids,
        cast(change_event_count as {{ dbt.type_int() }}) as change_event_count,
        cast(due_date as date) as due_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(reviewed_at as {{ dbt.type_timestamp() }}) as reviewed_at,
        cast(as_of_date as date) as as_of_date,
        cast(days_pending as {{ dbt.type_int() }}) as days_pending,
        cast(days_to_review as {{ dbt.type_int() }}) as days_to_review
    from measured

)

select * from final
