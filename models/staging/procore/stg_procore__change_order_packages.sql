{#
    Change order packages, prime and commitment side alike: `contract_id` is the prime
    contract or the commitment the package changes. Each package is listed again as a prime
    or commitment change order (`batch_id` there is this package's id).
#}
{%- set raw_columns = source_column_names(source('procore', 'change_order_packages')) -%}

with

source as (

    select * from {{ procore_source('change_order_packages') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as change_order_package_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'contract_id', dbt.type_bigint()) }} as contract_id,
        {{ column_or_null(raw_columns, 'designated_reviewer__id', dbt.type_bigint()) }}
            as designated_reviewer_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as package_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as package_status,
        {{ column_or_null(raw_columns, 'designated_reviewer__name', dbt.type_string()) }}
            as designated_reviewer_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'revision', dbt.type_int()) }} as revision,
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }} as amount,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,
        {{ column_or_null(raw_columns, 'signed_change_order_received_date', 'date') }}
            as signed_change_order_received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'reviewed_at', dbt.type_timestamp()) }} as reviewed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
