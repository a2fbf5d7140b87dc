{#
    The share's `trades` lists every trade of a vendor, joined by commas; REST staging keeps
    the first as `trade_name`, and so does this model. The share's own `trade_name` is
    Procore's trade name field (the name the vendor does business under), kept as
    `doing_business_as_name`.
#}

{%- set raw_columns = source_column_names(source('procore_analytics', 'vendors')) -%}
{%- set trades = column_or_null(raw_columns, 'trades', dbt.type_string()) -%}

with

source as (

    select * from {{ procore_analytics_source('vendors') }}

),

renamed as (

    select
        -- ids
        cast(vendor_id as {{ dbt.type_bigint() }}) as vendor_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        {{ column_or_null(raw_columns, 'parent_vendor_id', dbt.type_bigint()) }}
            as parent_vendor_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'abbreviated_name', dbt.type_string()) }}
            as abbreviated_name,
        {{ column_or_null(raw_columns, 'legal_name', dbt.type_string()) }} as legal_name,
        nullif(trim({{ dbt.split_part(trades, "','", 1) }}), '') as trade_name,
        {{ column_or_null(raw_columns, 'trades', dbt.type_string()) }} as trade_names,
        {{ column_or_null(raw_columns, 'trade_name', dbt.type_string()) }}
            as doing_business_as_name,
        {{ column_or_null(raw_columns, 'address', dbt.type_string()) }} as address,
        {{ column_or_null(raw_columns, 'city', dbt.type_string()) }} as city,
        {{ column_or_null(raw_columns, 'state_code', dbt.type_string()) }} as state_code,
        {{ column_or_null(raw_columns, 'zip', dbt.type_string()) }} as zip,
        {{ column_or_null(raw_columns, 'country_code', dbt.type_string()) }} as country_code,
        {{ column_or_null(raw_columns, 'business_phone', dbt.type_string()) }} as business_phone,
        {{ column_or_null(raw_columns, 'email_address', dbt.type_string()) }} as email_address,
        {{ column_or_null(raw_columns, 'license_number', dbt.type_string()) }} as license_number,
        {{ column_or_null(raw_columns, 'external_origin_id', dbt.type_string()) }}
            as external_origin_id,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active,
        {{ column_or_null(raw_columns, 'prequalified', dbt.type_boolean()) }} as is_prequalified,
        {{ column_or_null(raw_columns, 'authorized_bidder', dbt.type_boolean()) }}
            as is_authorized_bidder,
        {{ column_or_null(raw_columns, 'union_member', dbt.type_boolean()) }} as is_union_member,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp

    from source

)

select * from renamed
