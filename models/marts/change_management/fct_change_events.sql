{#
    Change events per line item, as Procore's change events log shows them: each line's
    revenue and cost ROM, latest price, latest cost and over/under, and the prime and
    commitment PCOs that price it (docs/decisions.md, "Change orders and exposure"). A
    change event without line items shows once, with empty line columns and zero amounts.
#}
with

change_event_lines as (

    select * from {{ ref('int_change_event_lines_priced') }}

),

final as (

    select
        cast(change_event_id as {{ dbt.type_bigint() }}) as change_event_id,
        cast(change_event_line_item_id as {{ dbt.type_bigint() }}) as change_event_line_item_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(change_event_number as {{ dbt.type_int() }}) as change_event_number,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(change_event_status as {{ dbt.type_string() }}) as change_event_status,
        cast(event_scope as {{ dbt.type_string() }}) as event_scope,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(change_reason as {{ dbt.type_string() }}) as change_reason,
        cast(cost_code_id as {{ dbt.type_bigint() }}) as cost_code_id,
        cast(cost_code as {{ dbt.type_string() }}) as cost_code,
        cast(line_item_type_id as {{ dbt.type_bigint() }}) as line_item_type_id,
        cast(cost_type as {{ dbt.type_string() }}) as cost_type,
        cast(commitment_id as {{ dbt.type_bigint() }}) as commitment_id,
        cast(vendor_id as {{ dbt.type_bigint() }}) as vendor_id,
        {{ cast_money('revenue_rom') }} as revenue_rom,
        {{ cast_money('cost_rom') }} as cost_rom,
        {{ cast_money('latest_price') }} as latest_price,
        {{ cast_money('latest_cost') }} as latest_cost,
        {{ cast_money('over_under') }} as over_under,
        cast(is_on_prime_pco as {{ dbt.type_boolean() }}) as is_on_prime_pco,
        cast(prime_potential_change_order_id as {{ dbt.type_bigint() }})
            as prime_potential_change_order_id,
        cast(prime_pco_status as {{ dbt.type_string() }}) as prime_pco_status,
        cast(commitment_potential_change_order_id as {{ dbt.type_bigint() }})
            as commitment_potential_change_order_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at
    from change_event_lines

)

select * from final
