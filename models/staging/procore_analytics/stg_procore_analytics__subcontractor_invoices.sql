{%- set raw_columns = source_column_names(source('procore_analytics', 'subcontractor_invoices')) -%}

with

source as (

    select * from {{ procore_analytics_source('subcontractor_invoices') }}

),

renamed as (

    select
        -- ids
        cast(subcontractor_invoice_id as {{ dbt.type_bigint() }}) as requisition_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'commitment_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'invoice_number', dbt.type_string()) }} as invoice_number,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as requisition_status,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,

        -- numerics
        {{ column_or_null(raw_columns, 'number', dbt.type_int()) }} as requisition_number,
        {{ procore_analytics_amount(raw_columns, 'total_contract_amount') }}
            as original_contract_amount,
        {{ procore_analytics_amount(raw_columns, 'net_change_by_change_orders') }}
            as change_orders_amount,
        {{ procore_analytics_amount(raw_columns, 'contract_sum_to_date') }}
            as contract_sum_to_date_amount,
        {{ procore_analytics_amount(raw_columns, 'total_completed_and_stored_to_date') }}
            as work_completed_to_date_amount,
        {{ procore_analytics_amount(raw_columns, 'completed_work_retainage_amount') }}
            as completed_work_retainage_amount,
        {{ procore_analytics_amount(raw_columns, 'retainage_materials_presently_stored') }}
            as stored_materials_retainage_amount,
        {{ procore_analytics_amount(raw_columns, 'total_retainage') }} as total_retainage_amount,
        {{ procore_analytics_amount(raw_columns, 'total_earned_less_retainage') }}
            as total_earned_less_retainage_amount,
        {{ procore_analytics_amount(raw_columns, 'less_certificates_for_payment') }}
            as previous_certificates_amount,
        {{ procore_analytics_amount(raw_columns, 'current_payment_due') }}
            as current_payment_due_amount,
        {{ procore_analytics_amount(raw_columns, 'balance_to_finish') }}
            as balance_to_finish_amount,

        -- booleans
        {{ column_or_null(raw_columns, 'final', dbt.type_boolean()) }} as is_final,

        -- dates
        {{ column_or_null(raw_columns, 'period_start_date', 'date') }} as period_start_date,
        {{ column_or_null(raw_columns, 'period_end_date', 'date') }} as period_end_date,
        {{ column_or_null(raw_columns, 'billing_date', 'date') }} as billing_date,
        {{ column_or_null(raw_columns, 'payment_date', 'date') }} as payment_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'submitted_at', dbt.type_timestamp()) }} as submitted_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
