{%- set raw_columns = source_column_names(source('procore', 'rfis')) -%}

with

source as (

    select * from {{ procore_source('rfis') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as rfi_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'location__id', dbt.type_bigint()) }} as location_id,
        {{ column_or_null(raw_columns, 'cost_code__id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'responsible_contractor__id', dbt.type_bigint()) }}
            as responsible_contractor_id,
        {{ column_or_null(raw_columns, 'assignee__id', dbt.type_bigint()) }} as assignee_id,
        {{ column_or_null(raw_columns, 'ball_in_court__id', dbt.type_bigint()) }}
            as ball_in_court_id,
        {{ column_or_null(raw_columns, 'rfi_manager__id', dbt.type_bigint()) }} as rfi_manager_id,
        {{ column_or_null(raw_columns, 'received_from__id', dbt.type_bigint()) }}
            as received_from_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as rfi_number,
        {{ column_or_null(raw_columns, 'full_number', dbt.type_string()) }} as rfi_full_number,
        {{ column_or_null(raw_columns, 'subject', dbt.type_string()) }} as subject,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as rfi_status,
        {{ column_or_null(raw_columns, 'location__name', dbt.type_string()) }} as location_name,
        {{ column_or_null(raw_columns, 'cost_code__name', dbt.type_string()) }} as cost_code_name,
        {{ column_or_null(raw_columns, 'responsible_contractor__name', dbt.type_string()) }}
            as responsible_contractor_name,
        {{ column_or_null(raw_columns, 'assignee__name', dbt.type_string()) }} as assignee_name,
        {{ column_or_null(raw_columns, 'ball_in_court__name', dbt.type_string()) }}
            as ball_in_court_name,
        {{ column_or_null(raw_columns, 'rfi_manager__name', dbt.type_string()) }}
            as rfi_manager_name,
        {{ column_or_null(raw_columns, 'received_from__name', dbt.type_string()) }}
            as received_from_name,
        {{ column_or_null(raw_columns, 'cost_impact__status', dbt.type_string()) }}
            as cost_impact_status,
        {{ column_or_null(raw_columns, 'schedule_impact__status', dbt.type_string()) }}
            as schedule_impact_status,

        -- numerics
        {{ cast_money(column_or_null(raw_columns, 'cost_impact__value', dbt.type_string())) }}
            as cost_impact_amount,
        {{ column_or_null(raw_columns, 'schedule_impact__value', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'initiated_at', dbt.type_timestamp()) }} as initiated_at,
        {{ column_or_null(raw_columns, 'time_resolved', dbt.type_timestamp()) }} as closed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
