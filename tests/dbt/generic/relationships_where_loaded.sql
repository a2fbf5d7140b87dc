{#
    dbt's relationships test for keys into a list the service account may not be allowed to
    read: every non-null `column_name` must exist as `field` in `to`, unless `to` is empty
    (its list was skipped for a 403 or never loaded, so there is nothing to check against).
    Fails once for every orphan key.
#}
{% test relationships_where_loaded(model, column_name, to, field) %}

with

child as (

    select {{ column_name }} as child_key
    from {{ model }}
    where {{ column_name }} is not null

),

parent as (

    select {{ field }} as parent_key
    from {{ to }}

)

select child.child_key
from child
left join parent
    on child.child_key = parent.parent_key
where
    parent.parent_key is null
    and exists (select 1 from parent)

{% endtest %}
