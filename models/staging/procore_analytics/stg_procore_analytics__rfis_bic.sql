{%- set raw_columns = source_column_names(source('procore_analytics', 'rfis_bic')) -%}

with

source as (

    select * from {{ procore_analytics_source('rfis_bic') }}

),

renamed as (

    select
        -- ids
        cast(rfi_bic_id as {{ dbt.type_string() }}) as rfi_bic_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'rfi_id', dbt.type_bigint()) }} as rfi_id,
        {{ column_or_null(raw_columns, 'user_id', dbt.type_bigint()) }} as user_id,

        -- strings
        {{ column_or_null(raw_columns, 'user_name', dbt.type_string()) }} as user_name,
        {{ column_or_null(raw_columns, 'ball_in_court_role', dbt.type_string()) }}
            as ball_in_court_role,

        -- booleans
        {{ column_or_null(raw_columns, 'response_required', dbt.type_boolean()) }}
            as is_response_required,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
