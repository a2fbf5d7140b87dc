{%- set raw_columns = source_column_names(source('procore_analytics', 'submittals')) -%}

with

source as (

    select * from {{ procore_analytics_source('submittals') }}

),

renamed as (

    select
        -- ids
        cast(submittal_id as {{ dbt.type_bigint() }}) as submittal_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'specification_section_id', dbt.type_bigint()) }}
            as specification_section_id,
        {{ column_or_null(raw_columns, 'responsible_contractor_id', dbt.type_bigint()) }}
            as responsible_contractor_id,
        {{ column_or_null(raw_columns, 'received_from_id', dbt.type_bigint()) }}
            as received_from_id,
        {{ column_or_null(raw_columns, 'submittal_manager_id', dbt.type_bigint()) }}
            as submittal_manager_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as submittal_number,
        {{ column_or_null(raw_columns, 'formatted_number', dbt.type_string()) }}
            as submittal_formatted_number,
        {{ column_or_null(raw_columns, 'revision', dbt.type_string()) }} as revision,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as submittal_status,
        {{ column_or_null(raw_columns, 'submittal_type', dbt.type_string()) }} as submittal_type,
        {{ column_or_null(raw_columns, 'specification_section_number', dbt.type_string()) }}
            as specification_section_number,
        {{ column_or_null(raw_columns, 'ball_in_court_id_list', dbt.type_string()) }}
            as ball_in_court_ids,
        {{ column_or_null(raw_columns, 'approvers_ids', dbt.type_string()) }} as approver_ids,
        {{ column_or_null(raw_columns, 'distribution_id_list', dbt.type_string()) }}
            as distribution_ids,

        -- booleans
        {{ column_or_null(raw_columns, 'current_revision', dbt.type_boolean()) }}
            as is_current_revision,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,
        {{ column_or_null(raw_columns, 'submit_by_date', 'date') }} as submit_by_date,
        {{ column_or_null(raw_columns, 'issue_date', 'date') }} as issue_date,
        {{ column_or_null(raw_columns, 'received_date', 'date') }} as received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'distributed_at', dbt.type_timestamp()) }} as distributed_at,
        {{ column_or_null(raw_columns, 'closed_at', dbt.type_timestamp()) }} as closed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
