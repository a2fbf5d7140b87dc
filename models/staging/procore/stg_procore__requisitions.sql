{#
    Subcontractor invoices (requisitions) against subcontracts. The `summary__*` columns are
    the invoice's G702 summary, cumulative to the end of its period: contract sum to date =
    original + change orders; earned = completed and stored - retainage; current payment
    due = earned - earned on previous invoices; balance to finish = contract sum - earned.
    `total_claimed_amount` is the gross work billed in this period alone.
#}

{%- set raw_columns = source_column_names(source('procore', 'requisitions')) -%}

with

source as (

    select * from {{ procore_source('requisitions') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as requisition_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'commitment_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'previous_requisition_id', dbt.type_bigint()) }}
            as previous_requisition_id,
        {{ column_or_null(raw_columns, 'period_id', dbt.type_bigint()) }} as billing_period_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'invoice_number', dbt.type_string()) }} as invoice_number,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as requisition_status,
        {{ column_or_null(raw_columns, 'contract_name', dbt.type_string()) }} as contract_name,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'created_by__name', dbt.type_string()) }}
            as created_by_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'number', dbt.type_int()) }} as requisition_number,
        cast(
            replace(
                {{ column_or_null(raw_columns, 'percent_complete', dbt.type_string()) }}, '%', ''
            ) as decimal(9, 2)
        ) as percent_complete,
        {{ cast_money(column_or_null(raw_columns, 'total_claimed_amount', dbt.type_string())) }}
            as total_claimed_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__original_contract_sum', dbt.type_string()
        )) }} as original_contract_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__net_change_by_change_orders', dbt.type_string()
        )) }} as change_orders_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__contract_sum_to_date', dbt.type_string()
        )) }} as contract_sum_to_date_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__total_completed_and_stored_to_date', dbt.type_string()
        )) }} as work_completed_to_date_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__completed_work_retainage_amount', dbt.type_string()
        )) }} as completed_work_retainage_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__stored_materials_retainage_amount', dbt.type_string()
        )) }} as stored_materials_retainage_amount,
        {{ cast_money(column_or_null(raw_columns, 'summary__total_retainage', dbt.type_string())) }}
            as total_retainage_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__total_earned_less_retainage', dbt.type_string()
        )) }} as total_earned_less_retainage_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__less_previous_certificates_for_payment', dbt.type_string()
        )) }} as previous_certificates_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__current_payment_due', dbt.type_string()
        )) }} as current_payment_due_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'summary__balance_to_finish_including_retainage', dbt.type_string()
        )) }} as balance_to_finish_amount,
        cast({{ column_or_null(
            raw_columns, 'summary__completed_work_retainage_percent', dbt.type_string()
        ) }} as decimal(9, 2)) as completed_work_retainage_percent,
        cast({{ column_or_null(
            raw_columns, 'summary__stored_materials_retainage_percent', dbt.type_string()
        ) }} as decimal(9, 2)) as stored_materials_retainage_percent,

        -- booleans
        {{ column_or_null(raw_columns, 'final', dbt.type_boolean()) }} as is_final,

        -- dates
        {{ column_or_null(raw_columns, 'requisition_start', 'date') }} as period_start_date,
        {{ column_or_null(raw_columns, 'requisition_end', 'date') }} as period_end_date,
        {{ column_or_null(raw_columns, 'billing_date', 'date') }} as billing_date,
        {{ column_or_null(raw_columns, 'payment_date', 'date') }} as payment_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'submitted_at', dbt.type_timestamp()) }} as submitted_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at

    from source

)

select * from renamed
