{#
    The median of a numeric expression, as an aggregate. DuckDB has `median`; Spark's exact
    equivalent is `percentile(x, 0.5)`. Both interpolate between the two middle values.
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
