{#
    The Procore Standard Budget figures of each budget line under the money column names of
    `stg_procore__budget_view_detail_rows`; docs/procore-analytics.md ("Budget figures") maps
    each share figure to its REST column, and its "Staging" section to the names here.
#}

{%- set raw_columns = source_column_names(
    source('procore_analytics', 'budget_view_standard_columns')
) -%}

with

source as (

    select * from {{ procore_analytics_source('budget_view_standard_columns') }}

),

renamed as (

    select
        -- ids
        cast(budget_view_standard_column_id as {{ dbt.type_bigint() }})
            as budget_view_standard_column_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'budget_view_id', dbt.type_bigint()) }} as budget_view_id,
        {{ column_or_null(raw_columns, 'budget_line_item_id', dbt.type_bigint()) }}
            as budget_line_item_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'original_budget_amount') }} as original_budget,
        {{ procore_analytics_amount(raw_columns, 'budget_modifications') }} as budget_modifications,
        {{ procore_analytics_amount(raw_columns, 'approved_co_amount_sum') }}
            as approved_budget_changes,
        {{ procore_analytics_amount(raw_columns, 'approved_budget_changes_amount_sum') }}
            as approved_budget_changes_from_tool,
        {{ procore_analytics_amount(raw_columns, 'revised_budget_sum') }} as revised_budget,
        {{ procore_analytics_amount(raw_columns, 'pending_co_sum') }} as pending_budget_changes,
        {{ procore_analytics_amount(raw_columns, 'projected_budget_sum') }} as projected_budget,
        {{ procore_analytics_amount(raw_columns, 'committed_costs_sum') }} as committed_costs,
        {{ procore_analytics_amount(raw_columns, 'direct_cost_total_amount_sum') }} as direct_costs,
        {{ procore_analytics_amount(raw_columns, 'subcontractor_invoice_sum') }}
            as subcontractor_invoices,
        {{ procore_analytics_amount(raw_columns, 'job_to_date_costs_sum') }} as job_to_date_costs,
        {{ procore_analytics_amount(raw_columns, 'pending_cost_changes_sum') }}
            as pending_cost_changes,
        {{ procore_analytics_amount(raw_columns, 'projected_costs_sum') }} as projected_costs,
        {{ procore_analytics_amount(raw_columns, 'forecast_to_complete_aggregate_sum') }}
            as forecast_to_complete,
        {{ procore_analytics_amount(raw_columns, 'forecast_to_complete_automatic_sum') }}
            as forecast_to_complete_automatic,
        {{ procore_analytics_amount(raw_columns, 'forecast_to_complete_manual_sum') }}
            as forecast_to_complete_manual,
        {{ procore_analytics_amount(raw_columns, 'estimated_cost_at_completion') }}
            as estimated_cost_at_completion,
        {{ procore_analytics_amount(raw_columns, 'projected_over_under_sum') }}
            as projected_over_under,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
