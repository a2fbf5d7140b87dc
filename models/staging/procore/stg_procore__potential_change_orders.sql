{#
    Potential change orders (PCOs) of both sides: `contract_id` is the prime contract or the
    commitment (subcontract or purchase order) the PCO prices, and nothing in the row says
    which; `int_potential_change_orders_sided` resolves the side by joining contracts. The row
    names its change order package only by title and acronym number (no package id); on a
    three-tier project it names its change order request by id.
#}
{%- set raw_columns = source_column_names(source('procore', 'potential_change_orders')) -%}

with

source as (

    select * from {{ procore_source('potential_change_orders') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as potential_change_order_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'contract_id', dbt.type_bigint()) }} as contract_id,
        {{ column_or_null(raw_columns, 'change_order_request_id', dbt.type_bigint()) }}
            as change_order_request_id,
        {{ column_or_null(raw_columns, 'created_by_id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as pco_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }}) as pco_status,
        {{ column_or_null(raw_columns, 'change_reason', dbt.type_string()) }} as change_reason,
        {{ column_or_null(raw_columns, 'change_order_request_title', dbt.type_string()) }}
            as change_order_request_title,
        {{ column_or_null(raw_columns, 'change_order_package_title', dbt.type_string()) }}
            as change_order_package_title,
        nullif({{ column_or_null(
            raw_columns, 'potential_change_order_acronym_number', dbt.type_string()
        ) }}, '') as potential_change_order_acronym_number,
        nullif({{ column_or_null(
            raw_columns, 'change_order_request_acronym_number', dbt.type_string()
        ) }}, '') as change_order_request_acronym_number,
        nullif({{ column_or_null(
            raw_columns, 'change_order_package_acronym_number', dbt.type_string()
        ) }}, '') as change_order_package_acronym_number,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'revision', dbt.type_int()) }} as revision,
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }} as amount,
        {{ column_or_null(raw_columns, 'schedule_impact_amount', dbt.type_int()) }}
            as schedule_impact_days,
        {{ column_or_null(raw_columns, 'change_order_tiers', dbt.type_int()) }}
            as change_order_tiers,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'reviewed_at', dbt.type_timestamp()) }} as reviewed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at

    from source

)

select * from renamed
