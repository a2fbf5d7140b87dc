{#
    The day ages are measured to: the `as_of_date` var (YYYY-MM-DD) when set, else today's
    date in UTC. Pinning it makes a report reproducible and lets tests check exact ages.
#}
{% macro as_of_date() -%}
    {%- set pinned = var('as_of_date', '') -%}
    {%- if pinned -%}
        cast('{{ pinned }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
