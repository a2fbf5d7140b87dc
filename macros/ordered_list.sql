{#
    The values of a group joined into one text, in the order of `order_by` (an expression,
    ascending): "847, 851, 852". dbt's `listagg` drops the order on Spark, where it becomes
    `collect_list`, whose order depends on how the rows were shuffled; here Spark sorts
    (order key, value) pairs and keeps the values, so both engines give the same text.
#}
{% macro ordered_list(value, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_list')(value, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_list(value, delimiter, order_by) -%}
    {{ dbt.listagg(value, delimiter, 'order by ' ~ order_by) }}
{%- endmacro %}

{% macro spark__ordered_list(value, delimiter, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(struct({{ order_by }} as sort_key, {{ value }} as item))),
            pair -> pair.item
        ),
        {{ delimiter }}
    )
{%- endmacro %}
