{%- set raw_columns = source_column_names(
    source('procore_analytics', 'change_event_line_item_with_markups')
) -%}

with

source as (

    select * from {{ procore_analytics_source('change_event_line_item_with_markups') }}

),

renamed as (

    select
        -- ids
        cast(change_event_line_item_with_markup_id as {{ dbt.type_bigint() }})
            as change_event_line_item_with_markup_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'change_event_line_item_id', dbt.type_bigint()) }}
            as change_event_line_item_id,
        {{ column_or_null(raw_columns, 'change_event_id', dbt.type_bigint()) }} as change_event_id,
        {{ column_or_null(raw_columns, 'change_event_events_id', dbt.type_bigint()) }}
            as change_event_events_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,
        {{ column_or_null(raw_columns, 'contract_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'proposed_vendor_id', dbt.type_bigint()) }}
            as proposed_vendor_id,
        {{ column_or_null(raw_columns, 'proposed_contract_id', dbt.type_bigint()) }}
            as proposed_commitment_id,
        {{ column_or_null(raw_columns, 'biller_id', dbt.type_bigint()) }} as biller_id,

        -- strings
        {{ column_or_null(raw_columns, 'change_event_title', dbt.type_string()) }}
            as change_event_title,
        lower({{ column_or_null(raw_columns, 'change_event_status', dbt.type_string()) }})
            as change_event_status_name,
        lower({{ column_or_null(raw_columns, 'event_scope', dbt.type_string()) }}) as event_scope,
        {{ column_or_null(raw_columns, 'contract_number', dbt.type_string()) }}
            as commitment_number,
        {{ column_or_null(raw_columns, 'contract_title', dbt.type_string()) }} as commitment_title,
        {{ column_or_null(raw_columns, 'vendor_name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'biller_name', dbt.type_string()) }} as biller_name,
        lower({{ column_or_null(raw_columns, 'biller_model_name', dbt.type_string()) }})
            as biller_type,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'estimated_cost_amount') }}
            as estimated_cost_amount,
        {{ procore_analytics_amount(raw_columns, 'non_committed_cost') }} as non_committed_cost,
        {{ procore_analytics_amount(raw_columns, 'cost_rom') }} as cost_rom,
        {{ procore_analytics_amount(raw_columns, 'cost_rom_unit_cost') }} as cost_rom_unit_cost,
        {{ procore_analytics_amount(raw_columns, 'revenue_rom_unit_cost') }}
            as revenue_rom_unit_cost,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
