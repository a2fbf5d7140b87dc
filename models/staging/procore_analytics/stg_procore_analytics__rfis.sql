{%- set raw_columns = source_column_names(source('procore_analytics', 'rfis')) -%}

with

source as (

    select * from {{ procore_analytics_source('rfis') }}

),

renamed as (

    select
        -- ids
        cast(rfi_id as {{ dbt.type_bigint() }}) as rfi_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'location_id', dbt.type_bigint()) }} as location_id,
        {{ column_or_null(raw_columns, 'cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'responsible_contractor_id', dbt.type_bigint()) }}
            as responsible_contractor_id,
        {{ column_or_null(raw_columns, 'assignee_id', dbt.type_bigint()) }} as assignee_id,
        {{ column_or_null(raw_columns, 'rfi_manager_id', dbt.type_bigint()) }} as rfi_manager_id,
        {{ column_or_null(raw_columns, 'received_from_id', dbt.type_bigint()) }}
            as received_from_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as rfi_number,
        {{ column_or_null(raw_columns, 'full_number', dbt.type_string()) }} as rfi_full_number,
        {{ column_or_null(raw_columns, 'subject', dbt.type_string()) }} as subject,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as rfi_status,
        {{ column_or_null(raw_columns, 'assignee_id_list', dbt.type_string()) }} as assignee_ids,
        {{ column_or_null(raw_columns, 'location_name', dbt.type_string()) }} as location_name,
        {{ column_or_null(raw_columns, 'cost_impact_status', dbt.type_string()) }}
            as cost_impact_status,
        {{ column_or_null(raw_columns, 'schedule_impact_status', dbt.type_string()) }}
            as schedule_impact_status,

        -- numerics
        {{ procore_analytics_amount(raw_columns, 'cost_impact_amount') }} as cost_impact_amount,
        {{ column_or_null(raw_columns, 'schedule_impact_days', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,
        false as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'initiated_at', dbt.type_timestamp()) }} as initiated_at,
        {{ column_or_null(raw_columns, 'closed_at', dbt.type_timestamp()) }} as closed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
