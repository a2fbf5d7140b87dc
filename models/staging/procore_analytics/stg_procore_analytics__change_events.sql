{%- set raw_columns = source_column_names(source('procore_analytics', 'change_events')) -%}

with

source as (

    select * from {{ procore_analytics_source('change_events') }}

),

renamed as (

    select
        -- ids
        cast(change_event_id as {{ dbt.type_bigint() }}) as change_event_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'rfi_id', dbt.type_bigint()) }} as rfi_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'alphanumeric_number', dbt.type_string()) }}
            as alphanumeric_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        nullif({{ column_or_null(raw_columns, 'description', dbt.type_string()) }}, '')
            as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as change_event_status,
        lower({{ column_or_null(raw_columns, 'change_event_status', dbt.type_string()) }})
            as change_event_status_name,
        lower({{ column_or_null(raw_columns, 'event_type', dbt.type_string()) }}) as event_type,
        lower({{ column_or_null(raw_columns, 'event_scope', dbt.type_string()) }}) as event_scope,
        {{ column_or_null(raw_columns, 'change_reason', dbt.type_string()) }} as change_reason,
        {{ column_or_null(raw_columns, 'external_origin_id', dbt.type_string()) }}
            as external_origin_id,

        -- numerics
        {{ column_or_null(raw_columns, 'number', dbt.type_int()) }} as change_event_number,

        -- booleans
        false as is_deleted,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
