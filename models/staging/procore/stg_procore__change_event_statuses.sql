{#
    The change event statuses a project offers, listed per project. A company may rename them
    or add its own; each maps to one of Procore's four fixed statuses (`mapped_to_status`).
#}
{%- set raw_columns = source_column_names(source('procore', 'change_event_statuses')) -%}

with

source as (

    select * from {{ procore_source('change_event_statuses') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_event_status_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,

        -- strings
        lower({{ column_or_null(raw_columns, 'name', dbt.type_string()) }})
            as change_event_status_name,
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }}
            as change_event_status_label,
        lower({{ column_or_null(raw_columns, 'mapped_to_status', dbt.type_string()) }})
            as mapped_status,

        -- booleans
        {{ column_or_null(raw_columns, 'default_status', dbt.type_boolean()) }} as is_default,
        {{ column_or_null(raw_columns, 'show_in_select', dbt.type_boolean()) }} as is_selectable

    from source

)

select * from renamed
