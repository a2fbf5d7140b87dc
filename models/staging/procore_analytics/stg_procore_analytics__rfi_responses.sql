{%- set raw_columns = source_column_names(source('procore_analytics', 'rfi_responses')) -%}

with

source as (

    select * from {{ procore_analytics_source('rfi_responses') }}

),

renamed as (

    select
        -- ids
        cast(rfi_response_id as {{ dbt.type_bigint() }}) as rfi_response_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'rfi_id', dbt.type_bigint()) }} as rfi_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,
        {{ column_or_null(raw_columns, 'rfi_created_by_id', dbt.type_bigint()) }}
            as rfi_created_by_id,
        {{ column_or_null(raw_columns, 'rfi_manager_id', dbt.type_bigint()) }} as rfi_manager_id,

        -- strings
        {{ column_or_null(raw_columns, 'body', dbt.type_string()) }} as response_body,

        -- booleans
        {{ column_or_null(raw_columns, 'official', dbt.type_boolean()) }} as is_official,
        {{ column_or_null(raw_columns, 'is_most_recent', dbt.type_boolean()) }} as is_most_recent,
        {{ column_or_null(raw_columns, 'rfi_private', dbt.type_boolean()) }} as is_rfi_private,
        {{ column_or_null(raw_columns, 'rfi_draft', dbt.type_boolean()) }} as is_rfi_draft,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
