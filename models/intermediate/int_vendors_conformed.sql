{#
    The company's vendors (subcontractors, suppliers, the owner) of the sources the build
    reads, in the shape every vendor consumer shares: the directory attributes analysts slice
    by. The vendor directory is the company's, so the scope of union_procore_sources is the
    company: under `both`, a company's vendors come from REST when the REST load read any of
    them, else from the share.
#}

{%- set columns = [
    'vendor_id', 'company_id', 'parent_vendor_id', 'vendor_name', 'abbreviated_name',
    'legal_name', 'trade_name', 'city', 'state_code', 'country_code', 'is_active',
    'created_at', 'updated_at',
] %}

with

{% if reads_rest() -%}
    rest_vendors as (

        select * from {{ ref('stg_procore__vendors') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_vendors as (

        -- Staging already keeps the first of the share's comma-joined trades as
        -- `trade_name`, as REST staging keeps the first of the trades list.
        select
            vendor_id,
            company_id,
            parent_vendor_id,
            vendor_name,
            abbreviated_name,
            legal_name,
            trade_name,
            city,
            state_code,
            country_code,
            is_active,
            created_at,
            updated_at
        from {{ ref('stg_procore_analytics__vendors') }}

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_vendors', 'analytics_vendors', columns, 'company_id') }}

)

select * from unioned
