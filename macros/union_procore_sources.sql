{#
    The rows of one entity from the sources the build reads (the var `procore_data_source`:
    `rest`, `analytics` or `both`), given as two CTEs in the same column shape.

    Under `both`, the REST rows of a scope (a project, or a company for company-level
    entities) win: the share's rows of that entity count only in scopes where the REST load
    holds none, such as a project whose tool the REST account may not read. The REST rows
    are fresher (loaded incrementally, as often as the schedule runs) and carry fields the
    share does not publish.

    rest_cte, analytics_cte: names of the CTEs holding each source's rows (a CTE of a source
        the build does not read need not exist).
    columns: the columns to select, in order.
    scope: the column naming the scope (`project_id` or `company_id`).
#}
{% macro union_procore_sources(rest_cte, analytics_cte, columns, scope) -%}
    {%- set data_source = var('procore_data_source', 'rest') -%}
    {%- if data_source not in ['rest', 'analytics', 'both'] -%}
        {{ exceptions.raise_compiler_error(
            "var procore_data_source is '" ~ data_source ~ "': it must be rest, analytics or both"
        ) }}
    {%- endif -%}
    {%- if data_source in ['rest', 'both'] %}
    select {{ columns | join(', ') }} from {{ rest_cte }}
    {%- endif %}
    {%- if data_source == 'both' %}
    union all
    {%- endif %}
    {%- if data_source in ['analytics', 'both'] %}
    select {{ columns | join(', ') }} from {{ analytics_cte }}
        {%- if data_source == 'both' %}
    where {{ scope }} not in (
        select rest_scopes.{{ scope }} from {{ rest_cte }} as rest_scopes
        where rest_scopes.{{ scope }} is not null
    )
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{# True when the build reads the REST loader's tables. #}
{% macro reads_rest() -%}
    {{ return(var('procore_data_source', 'rest') in ['rest', 'both']) }}
{%- endmacro %}

{# True when the build reads the Procore Analytics share's tables. #}
{% macro reads_analytics() -%}
    {{ return(var('procore_data_source', 'rest') in ['analytics', 'both']) }}
{%- endmacro %}
