{#
    One row per line of a potential change order. The share pre-splits each line's amount
    by its PCO's status (`potential_change_order_<status>_amount`); these become
    `pco_<status>_amount`, and the pending family (`..._pendings_amount`) becomes
    `pco_pending_family_amount`.
#}

{%- set raw_columns = source_column_names(
    source('procore_analytics', 'commitment_change_order_line_items')
) -%}

with

source as (

    select * from {{ procore_analytics_source('commitment_change_order_line_items') }}

),

renamed as (

    select
        -- ids
        cast(commitment_change_order_line_item_id as {{ dbt.type_bigint() }})
            as potential_change_order_line_item_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'commitment_id', dbt.type_bigint()) }} as commitment_id,
        {{ column_or_null(raw_columns, 'commitment_change_order_id', dbt.type_bigint()) }}
            as commitment_change_order_id,
        {{ column_or_null(raw_columns, 'commitment_potential_change_order_id', dbt.type_bigint()) }}
            as potential_change_order_id,
        {{ column_or_null(raw_columns, 'commitment_change_order_request_id', dbt.type_bigint()) }}
            as change_order_request_id,
        {{ column_or_null(raw_columns, 'vendor_id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'change_event_line_item_id', dbt.type_bigint()) }}
            as change_event_line_item_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,

        -- strings
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'uom', dbt.type_string()) }} as unit_of_measure,

        -- numerics
        {{ column_or_null(raw_columns, 'quantity', dbt.type_numeric()) }} as quantity,
        {{ procore_analytics_amount(raw_columns, 'unit_cost') }} as unit_cost,
        {{ procore_analytics_amount(raw_columns, 'extended_amount') }} as amount,
        {{ procore_analytics_amount(raw_columns, 'total_amount') }} as total_amount,
        {{ procore_analytics_amount(raw_columns, 'amount_including_markup') }}
            as amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'change_order_committed_amount') }}
            as change_order_committed_amount,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_pendings_amount') }}
            as pco_pending_family_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_pendings_amount_including_markup'
        ) }} as pco_pending_family_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_approved_amount') }}
            as pco_approved_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_approved_amount_including_markup'
        ) }} as pco_approved_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_draft_amount') }}
            as pco_draft_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_draft_amount_including_markup'
        ) }} as pco_draft_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_not_pricing_amount') }}
            as pco_not_pricing_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_not_pricing_amount_including_markup'
        ) }} as pco_not_pricing_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_pricing_amount') }}
            as pco_pricing_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_pricing_amount_including_markup'
        ) }} as pco_pricing_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_pending_amount') }}
            as pco_pending_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_pending_amount_including_markup'
        ) }} as pco_pending_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_revised_amount') }}
            as pco_revised_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_revised_amount_including_markup'
        ) }} as pco_revised_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_proceeding_amount') }}
            as pco_proceeding_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_proceeding_amount_including_markup'
        ) }} as pco_proceeding_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_not_proceeding_amount') }}
            as pco_not_proceeding_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_not_proceeding_amount_including_markup'
        ) }} as pco_not_proceeding_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_no_charge_amount') }}
            as pco_no_charge_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_no_charge_amount_including_markup'
        ) }} as pco_no_charge_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_rejected_amount') }}
            as pco_rejected_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_rejected_amount_including_markup'
        ) }} as pco_rejected_amount_including_markup,
        {{ procore_analytics_amount(raw_columns, 'potential_change_order_void_amount') }}
            as pco_void_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_void_amount_including_markup'
        ) }} as pco_void_amount_including_markup,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_pending_billable_amount'
        ) }} as pco_pending_billable_amount,
        {{ procore_analytics_amount(
            raw_columns, 'potential_change_order_pending_billable_amount_including_markup'
        ) }} as pco_pending_billable_amount_including_markup,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
