{#
    Prime contract change orders (PCCOs): what the owner signs. On a package-based (two- and
    three-tier) setup each one lists a change order package, whose id Procore sends as
    `batch_id` (and again as `legacy_package_id`). The change events a change order came from
    are in `stg_procore__change_order_change_events`.
#}
{%- set raw_columns = source_column_names(source('procore', 'prime_change_orders')) -%}

with

source as (

    select * from {{ procore_source('prime_change_orders') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as prime_change_order_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'contract_id', dbt.type_bigint()) }} as prime_contract_id,
        {{ procore_change_order_columns(raw_columns) }}

    from source

)

select * from renamed
