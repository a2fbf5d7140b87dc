{#
    Procore's union list of a project's subcontracts and purchase orders (short shape). The
    list has no field telling the two apart and no deleted records; a commitment's id is the
    id of its work order or purchase order contract, which is where its type, amounts and
    deletion live.
#}

{%- set raw_columns = source_column_names(source('procore', 'commitments')) -%}

with

source as (

    select * from {{ procore_source('commitments') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as commitment_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'vendor__id', dbt.type_bigint()) }} as vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as commitment_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as commitment_status,
        {{ column_or_null(raw_columns, 'vendor__name', dbt.type_string()) }} as vendor_name,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,

        -- dates
        {{ column_or_null(raw_columns, 'delivery_date', 'date') }} as delivery_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at

    from source

)

select * from renamed
