{#
    One row per live subcontract or purchase order with its value, change orders, invoicing
    and payments (docs/decisions.md, "Commitments"): revised = original (the schedule of
    values) + approved change orders; remaining balance = revised - paid; percent invoiced =
    invoiced / revised, empty when the revised amount is 0.
#}

with

commitments as (

    select * from {{ ref('int_commitments_unioned') }}

),

measured as (

    select
        *,
        revised_amount - paid_amount as remaining_balance,
        case
            when revised_amount <> 0
                then cast(invoiced_amount as double) / cast(revised_amount as double)
        end as percent_invoiced
    from commitments

),

final as (

    select
        cast(commitment_id as {{ dbt.type_bigint() }}) as commitment_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(commitment_type as {{ dbt.type_string() }}) as commitment_type,
        cast(contract_number as {{ dbt.type_string() }}) as contract_number,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(vendor_id as {{ dbt.type_bigint() }}) as vendor_id,
        cast(vendor_name as {{ dbt.type_string() }}) as vendor_name,
        cast(contract_status as {{ dbt.type_string() }}) as contract_status,
        cast(is_committed as {{ dbt.type_boolean() }}) as is_committed,
        cast(is_executed as {{ dbt.type_boolean() }}) as is_executed,
        {{ cast_money('original_amount') }} as original_amount,
        {{ cast_money('approved_change_orders') }} as approved_change_orders,
        {{ cast_money('pending_change_orders') }} as pending_change_orders,
        {{ cast_money('revised_amount') }} as revised_amount,
        {{ cast_money('invoiced_amount') }} as invoiced_amount,
        {{ cast_money('paid_amount') }} as paid_amount,
        {{ cast_money('retainage_held') }} as retainage_held,
        {{ cast_money('remaining_balance') }} as remaining_balance,
        cast(percent_invoiced as double) as percent_invoiced,
        cast(execution_date as date) as execution_date,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at
    from measured

)

select * from final
