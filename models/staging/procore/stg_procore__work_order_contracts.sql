{#
    Subcontracts (Procore work order contracts), soft-deleted ones included. `grand_total` is
    the original value, the schedule-of-values total (the sum of the line items' amounts);
    `revised_contract` is that plus approved change orders, and every other total is kept
    current by Procore from the contract's change orders and invoices (requisitions).
#}

{%- set raw_columns = source_column_names(source('procore', 'work_order_contracts')) -%}

with

source as (

    select * from {{ procore_source('work_order_contracts') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as work_order_contract_id,
        {{ procore_commitment_contract_columns(raw_columns) }}

    from source

)

select * from renamed
