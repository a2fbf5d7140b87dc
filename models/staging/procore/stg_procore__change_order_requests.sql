{#
    Change order requests (CORs), the middle tier of a three-tier prime setup: potential
    change orders roll up into CORs, CORs into a change order package. Listed per prime
    contract, so the loader's parent id is the prime contract.
#}
{%- set raw_columns = source_column_names(source('procore', 'change_order_requests')) -%}

with

source as (

    select * from {{ procore_source('change_order_requests') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_order_request_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(_procore_parent_id as {{ dbt.type_bigint() }}) as prime_contract_id,
        {{ column_or_null(raw_columns, 'change_order_package_id', dbt.type_bigint()) }}
            as change_order_package_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as cor_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as cor_status,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'revision', dbt.type_int()) }} as revision,
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }} as amount,
        {{ column_or_null(raw_columns, 'schedule_impact_amount', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
