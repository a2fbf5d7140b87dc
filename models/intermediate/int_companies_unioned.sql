{#
    The companies of the sources the build reads, in the REST staging shape
    (union_procore_sources: under `both`, a company the REST load read comes from REST).
#}

{%- set columns = ['company_id', 'company_name', 'is_active'] %}

with

{% if reads_rest() -%}
    rest_companies as (

        select * from {{ ref('stg_procore__companies') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_companies as (

        select * from {{ ref('stg_procore_analytics__companies') }}

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_companies', 'analytics_companies', columns, 'company_id') }}

)

select * from unioned
