{#
    Use a folder's custom schema as it is (`staging`, `marts`, ...) rather than dbt's default
    `<target schema>_<custom schema>`: BI users browse `marts.fct_rfi_aging`, not
    `main_marts.fct_rfi_aging`. Models without a custom schema go to the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
