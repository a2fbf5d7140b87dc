{#
    Purchase order contracts, soft-deleted ones included. `grand_total` is the original
    value, the total of the order's lines; `revised_contract` is that plus approved change
    orders, and the other totals are kept current by Procore from change orders and invoices.
#}

{%- set raw_columns = source_column_names(source('procore', 'purchase_order_contracts')) -%}

with

source as (

    select * from {{ procore_source('purchase_order_contracts') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as purchase_order_contract_id,
        {{ procore_commitment_contract_columns(raw_columns) }},

        -- purchase order only
        {{ column_or_null(raw_columns, 'assignee__id', dbt.type_bigint()) }} as assignee_id,
        {{ column_or_null(raw_columns, 'payment_terms', dbt.type_string()) }} as payment_terms,
        {{ column_or_null(raw_columns, 'ship_via', dbt.type_string()) }} as ship_via,
        {{ column_or_null(raw_columns, 'bill_to_address', dbt.type_string()) }} as bill_to_address,
        {{ column_or_null(raw_columns, 'ship_to_address', dbt.type_string()) }} as ship_to_address,
        {{ column_or_null(raw_columns, 'delivery_date', 'date') }} as delivery_date

    from source

)

select * from renamed
