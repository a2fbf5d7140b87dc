{#
    JSON is the one place where warehouses disagree on syntax. Raw tables keep nested lists
    (the line items of a change event, the change events of a change order) as JSON text;
    these macros unnest them and read their fields. Each goes through `adapter.dispatch`, so
    another adapter adds its own `<adapter>__` implementation without touching the models.
#}

{#
    One row per element of the JSON array in `json_column`, with the `keep` columns of
    `relation` beside it and the element itself as JSON text in a column named `element`.
    Rows whose array is null or empty produce no row.
#}
{% macro unnest_json_array(relation, json_column, keep) -%}
    {{ return(adapter.dispatch('unnest_json_array')(relation, json_column, keep)) }}
{%- endmacro %}

{% macro default__unnest_json_array(relation, json_column, keep) -%}
    select
        {%- for column in keep %}
        {{ column }},
        {%- endfor %}
        element
    from {{ relation }}
    cross join unnest(cast({{ json_column }} as json[])) as elements (element)
{%- endmacro %}

{% macro spark__unnest_json_array(relation, json_column, keep) -%}
    select
        {%- for column in keep %}
        {{ column }},
        {%- endfor %}
        element
    from {{ relation }}
    lateral view explode(from_json({{ json_column }}, 'array<string>')) elements as element
{%- endmacro %}

{#
    The scalar at `path` (a JSONPath such as '$.id') of a JSON text, cast to `data_type`; null
    where the path is missing or null.
#}
{% macro json_field(json_text, path, data_type) -%}
    {{ return(adapter.dispatch('json_field')(json_text, path, data_type)) }}
{%- endmacro %}

{% macro default__json_field(json_text, path, data_type) -%}
    cast(json_extract_string({{ json_text }}, '{{ path }}') as {{ data_type }})
{%- endmacro %}

{% macro spark__json_field(json_text, path, data_type) -%}
    cast(get_json_object({{ json_text }}, '{{ path }}') as {{ data_type }})
{%- endmacro %}
