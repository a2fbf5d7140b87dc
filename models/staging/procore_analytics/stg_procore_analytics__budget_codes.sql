{%- set raw_columns = source_column_names(source('procore_analytics', 'budget_codes')) -%}

with

source as (

    select * from {{ procore_analytics_source('budget_codes') }}

),

renamed as (

    select
        -- ids
        cast(budget_code_id as {{ dbt.type_bigint() }}) as budget_code_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'wbs_code_id', dbt.type_bigint()) }} as wbs_code_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,

        -- strings
        {{ column_or_null(raw_columns, 'budget_code', dbt.type_string()) }} as budget_code,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }}
            as budget_code_description,
        {{ column_or_null(raw_columns, 'attribute_1_name', dbt.type_string()) }} as segment_1_name,
        {{ column_or_null(raw_columns, 'attribute_1_line_item', dbt.type_string()) }}
            as segment_1_item,
        {{ column_or_null(raw_columns, 'attribute_2_name', dbt.type_string()) }} as segment_2_name,
        {{ column_or_null(raw_columns, 'attribute_2_line_item', dbt.type_string()) }}
            as segment_2_item,
        {{ column_or_null(raw_columns, 'attribute_3_name', dbt.type_string()) }} as segment_3_name,
        {{ column_or_null(raw_columns, 'attribute_3_line_item', dbt.type_string()) }}
            as segment_3_item,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
