{#
    Procore sends money as JSON strings ("45000.0"; docs/procore-api.md#response-format).
    Cast them to an exact decimal with cents, never to a float, so that sums reconcile to the
    cent with what Procore shows.
#}
{% macro cast_money(column) -%}
    cast({{ column }} as decimal(18, 2))
{%- endmacro %}
