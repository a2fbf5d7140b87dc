{%- set raw_columns = source_column_names(source('procore_analytics', 'budget_line_items')) -%}

with

source as (

    select * from {{ procore_analytics_source('budget_line_items') }}

),

renamed as (

    select
        -- ids
        cast(budget_line_item_id as {{ dbt.type_bigint() }}) as budget_line_item_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'original_budget_amount') }} as original_budget,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
