{#
    The columns of a commitment contract, as Procore's subcontract (work order) and purchase
    order lists both send them: vendor, number, title, status, the original value (`grand_total`,
    the schedule of values) and the totals Procore keeps current from change orders and
    invoices, flags and dates. Each staging model selects its own id, then these, then the
    fields only its kind has.
#}
{% macro procore_commitment_contract_columns(raw_columns) -%}
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor__id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as contract_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as contract_status,
        lower({{ column_or_null(raw_columns, 'accounting_method', dbt.type_string()) }})
            as accounting_method,
        {{ column_or_null(raw_columns, 'vendor__company', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }}
            as original_contract_amount,
        {{ cast_money(column_or_null(raw_columns, 'approved_change_orders', dbt.type_string())) }}
            as approved_change_orders_amount,
        {{ cast_money(column_or_null(raw_columns, 'pending_change_orders', dbt.type_string())) }}
            as pending_change_orders_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'draft_change_orders_amount', dbt.type_string()
        )) }} as draft_change_orders_amount,
        {{ cast_money(column_or_null(raw_columns, 'revised_contract', dbt.type_string())) }}
            as revised_contract_amount,
        {{ cast_money(column_or_null(raw_columns, 'pending_revised_contract', dbt.type_string())) }}
            as pending_revised_contract_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'total_requisitions_amount', dbt.type_string()
        )) }} as total_requisitions_amount,
        {{ cast_money(column_or_null(raw_columns, 'total_payments', dbt.type_string())) }}
            as total_payments_amount,
        {{ cast_money(column_or_null(
            raw_columns, 'remaining_balance_outstanding', dbt.type_string()
        )) }} as remaining_balance_amount,
        cast(
            {{ column_or_null(raw_columns, 'percentage_paid', dbt.type_string()) }}
            as decimal(9, 2)
        ) as percentage_paid,
        cast(
            {{ column_or_null(raw_columns, 'retainage_percent', dbt.type_string()) }}
            as decimal(9, 2)
        ) as retainage_percent,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,
        {{ column_or_null(raw_columns, 'requisitions_are_enabled', dbt.type_boolean()) }}
            as has_requisitions_enabled,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'contract_date', 'date') }} as contract_date,
        {{ column_or_null(raw_columns, 'contract_start_date', 'date') }} as contract_start_date,
        {{ column_or_null(raw_columns, 'contract_estimated_completion_date', 'date') }}
            as contract_estimated_completion_date,
        {{ column_or_null(raw_columns, 'actual_completion_date', 'date') }}
            as actual_completion_date,
        {{ column_or_null(raw_columns, 'contract_termination_date', 'date') }}
            as contract_termination_date,
        {{ column_or_null(raw_columns, 'execution_date', 'date') }} as execution_date,
        {{ column_or_null(raw_columns, 'signed_contract_received_date', 'date') }}
            as signed_contract_received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at
{%- endmacro %}
