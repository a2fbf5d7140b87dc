{#
    Change events: a potential change to the project's cost or revenue, before anyone has
    priced it on a change order. Procore gives every event a fixed `status` (open or closed)
    and a project-defined status (`change_event_status`: Open, Pending, Closed, Void by
    default) mapped to one of four fixed values. The event's line items are in
    `stg_procore__change_event_line_items`.
#}
{%- set raw_columns = source_column_names(source('procore', 'change_events')) -%}

with

source as (

    select * from {{ procore_source('change_events') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_event_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'change_event_status__id', dbt.type_bigint()) }}
            as change_event_status_id,
        {{ column_or_null(raw_columns, 'change_order_change_reason__id', dbt.type_bigint()) }}
            as change_reason_id,
        {{ column_or_null(raw_columns, 'rfi__id', dbt.type_bigint()) }} as rfi_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'alphanumeric_number', dbt.type_string()) }}
            as alphanumeric_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        nullif({{ column_or_null(raw_columns, 'description', dbt.type_string()) }}, '')
            as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as change_event_status,
        lower({{ column_or_null(raw_columns, 'change_event_status__name', dbt.type_string()) }})
            as change_event_status_name,
        lower({{ column_or_null(
            raw_columns, 'change_event_status__mapped_to_status', dbt.type_string()
        ) }}) as mapped_status,
        lower({{ column_or_null(raw_columns, 'event_type', dbt.type_string()) }}) as event_type,
        lower({{ column_or_null(raw_columns, 'event_scope', dbt.type_string()) }}) as event_scope,
        {{ column_or_null(
            raw_columns, 'change_order_change_reason__change_reason', dbt.type_string()
        ) }} as change_reason,
        {{ column_or_null(raw_columns, 'created_by__name', dbt.type_string()) }}
            as created_by_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'number', dbt.type_int()) }} as change_event_number,

        -- booleans
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
