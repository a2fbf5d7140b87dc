{#
    The projects of the sources the build reads, in the REST staging shape
    (union_procore_sources: under `both`, a company's projects come from REST when the REST
    load read that company).
#}

{%- set columns = [
    'project_id', 'company_id', 'project_name', 'project_display_name', 'project_number',
    'project_stage', 'city', 'state_code', 'country_code', 'time_zone', 'total_value',
    'is_active', 'start_date', 'completion_date', 'created_at', 'updated_at',
] %}

with

{% if reads_rest() -%}
    rest_projects as (

        select * from {{ ref('stg_procore__projects') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_projects as (

        select * from {{ ref('stg_procore_analytics__projects') }}

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_projects', 'analytics_projects', columns, 'company_id') }}

)

select * from unioned
