{#
    Fails for every row where `expression` is not true, optionally only among rows matching
    `where` (a config every generic test takes). Our own copy of the dbt_utils test: hub
    packages cannot be installed offline.
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not (
    {%- if column_name %} {{ column_name }} {% endif %} {{ expression }}
)

{% endtest %}
