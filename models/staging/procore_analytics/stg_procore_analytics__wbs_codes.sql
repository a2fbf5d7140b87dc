{%- set raw_columns = source_column_names(source('procore_analytics', 'wbs_codes')) -%}

with

source as (

    select * from {{ procore_analytics_source('wbs_codes') }}

),

renamed as (

    select
        -- ids
        cast(wbs_code_id as {{ dbt.type_bigint() }}) as wbs_code_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type_id', dbt.type_bigint()) }}
            as line_item_type_id,

        -- strings
        {{ column_or_null(raw_columns, 'flat_code', dbt.type_string()) }} as wbs_code,
        {{ column_or_null(raw_columns, 'flat_name', dbt.type_string()) }} as wbs_name,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as wbs_description,
        lower({{ column_or_null(raw_columns, 'wbs_code_status', dbt.type_string()) }})
            as wbs_status,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
