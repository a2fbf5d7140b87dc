{#
    The owner contract of each project. Procore's v1.0 list gives the original value
    (`grand_total`, the schedule-of-values total) and the approved change orders; the revised
    value is their sum, as Procore defines it. Pending and draft change order totals,
    invoicing and payments are not in this list shape, so they are left out rather than
    shown as zero.
#}

{%- set raw_columns = source_column_names(source('procore', 'prime_contracts')) -%}
{%- set original = cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) -%}
{%- set approved = cast_money(
    column_or_null(raw_columns, 'approved_change_orders', dbt.type_string())
) -%}

with

source as (

    select * from {{ procore_source('prime_contracts') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as prime_contract_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor__id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'contractor__id', dbt.type_bigint()) }} as contractor_id,
        {{ column_or_null(raw_columns, 'architect__id', dbt.type_bigint()) }} as architect_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as contract_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as contract_status,
        lower({{ column_or_null(raw_columns, 'accounting_method', dbt.type_string()) }})
            as accounting_method,
        {{ column_or_null(raw_columns, 'vendor__name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'contractor__name', dbt.type_string()) }}
            as contractor_name,
        {{ column_or_null(raw_columns, 'architect__name', dbt.type_string()) }} as architect_name,
        {{ column_or_null(raw_columns, 'created_by__name', dbt.type_string()) }}
            as created_by_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ original }} as original_contract_amount,
        {{ approved }} as approved_change_orders_amount,
        {{ cast_money(original ~ ' + coalesce(' ~ approved ~ ', 0)') }} as revised_contract_amount,
        cast(
            {{ column_or_null(raw_columns, 'retainage_percent', dbt.type_string()) }}
            as decimal(9, 2)
        ) as retainage_percent,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,
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

    from source

)

select * from renamed
