{#
    Subcontracts and purchase orders in one table, as the share has them: `commitment_type`
    says which, in the words the intermediate models use (subcontract, purchase_order). The
    amounts take the names REST staging gives them on work order and purchase order
    contracts (`procore_commitment_contract_columns`).
#}

{%- set raw_columns = source_column_names(source('procore_analytics', 'commitments')) -%}
{%- set commitment_type = column_or_null(raw_columns, 'commitment_type', dbt.type_string()) -%}

with

source as (

    select * from {{ procore_analytics_source('commitments') }}

),

renamed as (

    select
        -- ids
        cast(commitment_id as {{ dbt.type_bigint() }}) as commitment_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        case {{ commitment_type }}
            when 'WorkOrderContract' then 'subcontract'
            when 'PurchaseOrderContract' then 'purchase_order'
            else lower({{ commitment_type }})
        end as commitment_type,
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as commitment_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as commitment_status,
        lower({{ column_or_null(raw_columns, 'accounting_method', dbt.type_string()) }})
            as accounting_method,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'grand_total') }} as original_contract_amount,
        {{ procore_analytics_amount(raw_columns, 'approved_change_orders') }}
            as approved_change_orders_amount,
        {{ procore_analytics_amount(raw_columns, 'pending_change_orders') }}
            as pending_change_orders_amount,
        {{ procore_analytics_amount(raw_columns, 'draft_change_orders') }}
            as draft_change_orders_amount,
        {{ procore_analytics_amount(raw_columns, 'revised_contract_amount') }}
            as revised_contract_amount,
        {{ procore_analytics_amount(raw_columns, 'pending_revised_contract_amount') }}
            as pending_revised_contract_amount,
        {{ procore_analytics_amount(raw_columns, 'invoiced') }} as total_requisitions_amount,
        {{ procore_analytics_amount(raw_columns, 'total_payments') }} as total_payments_amount,
        {{ procore_analytics_amount(raw_columns, 'remaining_balance') }}
            as remaining_balance_amount,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,

        -- dates
        {{ column_or_null(raw_columns, 'contract_date', 'date') }} as contract_date,
        {{ column_or_null(raw_columns, 'contract_start_date', 'date') }} as contract_start_date,
        {{ column_or_null(raw_columns, 'contract_estimated_completion_date', 'date') }}
            as contract_estimated_completion_date,
        {{ column_or_null(raw_columns, 'actual_completion_date', 'date') }}
            as actual_completion_date,
        {{ column_or_null(raw_columns, 'execution_date', 'date') }} as execution_date,
        {{ column_or_null(raw_columns, 'signed_contract_received_date', 'date') }}
            as signed_contract_received_date,
        {{ column_or_null(raw_columns, 'delivery_date', 'date') }} as delivery_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
