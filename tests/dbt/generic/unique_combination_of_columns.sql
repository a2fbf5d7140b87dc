{#
    The grain test of a model whose key spans several columns: fails once for every
    combination of `combination_of_columns` that appears on more than one row. Our own copy of
    the dbt_utils test: hub packages cannot be installed offline.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
