{#
    The company directory's users of the sources the build reads, in the REST staging shape
    (union_procore_sources: under `both`, a company's users come from REST when the REST load
    read any of them).
#}

{%- set columns = [
    'user_id', 'company_id', 'vendor_id', 'user_name', 'first_name', 'last_name',
    'email_address', 'job_title', 'employee_number', 'vendor_name', 'is_active',
    'is_employee', 'created_at', 'updated_at',
] %}

with

{% if reads_rest() -%}
    rest_users as (

        select * from {{ ref('stg_procore__users') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_users as (

        select * from {{ ref('stg_procore_analytics__users') }}

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_users', 'analytics_users', columns, 'company_id') }}

)

select * from unioned
