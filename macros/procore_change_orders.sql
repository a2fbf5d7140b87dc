{#
    The columns Procore's prime contract and commitment change order lists share (one shape,
    `GET /projects/{id}/prime_change_orders` and `.../commitment_change_orders`): the package,
    reason and people, number, title, status, amount and dates. Each staging model selects its
    own ids and contract, then these.
#}
{% macro procore_change_order_columns(raw_columns) -%}
        coalesce(
            {{ column_or_null(raw_columns, 'batch_id', dbt.type_bigint()) }},
            {{ column_or_null(raw_columns, 'legacy_package_id', dbt.type_bigint()) }}
        ) as change_order_package_id,
        {{ column_or_null(raw_columns, 'change_order_change_reason__id', dbt.type_bigint()) }}
            as change_reason_id,
        {{ column_or_null(raw_columns, 'reviewed_by__id', dbt.type_bigint()) }} as reviewed_by_id,
        {{ column_or_null(raw_columns, 'designated_reviewer__id', dbt.type_bigint()) }}
            as designated_reviewer_id,
        {{ column_or_null(raw_columns, 'received_from__id', dbt.type_bigint()) }}
            as received_from_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'number', dbt.type_string()) }} as change_order_number,
        {{ column_or_null(raw_columns, 'title', dbt.type_string()) }} as title,
        nullif({{ column_or_null(raw_columns, 'description', dbt.type_string()) }}, '')
            as description,
        lower({{ column_or_null(raw_columns, 'status', dbt.type_string()) }})
            as change_order_status,
        {{ column_or_null(
            raw_columns, 'change_order_change_reason__change_reason', dbt.type_string()
        ) }} as change_reason,
        {{ column_or_null(raw_columns, 'reviewed_by__name', dbt.type_string()) }}
            as reviewed_by_name,
        {{ column_or_null(raw_columns, 'designated_reviewer__name', dbt.type_string()) }}
            as designated_reviewer_name,
        {{ column_or_null(raw_columns, 'received_from__name', dbt.type_string()) }}
            as received_from_name,
        {{ column_or_null(raw_columns, 'created_by__name', dbt.type_string()) }}
            as created_by_name,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'revision', dbt.type_int()) }} as revision,
        {{ cast_money(column_or_null(raw_columns, 'grand_total', dbt.type_string())) }} as amount,
        {{ column_or_null(raw_columns, 'schedule_impact_amount', dbt.type_int()) }}
            as schedule_impact_days,

        -- booleans
        {{ column_or_null(raw_columns, 'executed', dbt.type_boolean()) }} as is_executed,
        {{ column_or_null(raw_columns, 'paid', dbt.type_boolean()) }} as is_paid,
        {{ column_or_null(raw_columns, 'private', dbt.type_boolean()) }} as is_private,
        {{ column_or_null(raw_columns, 'field_change', dbt.type_boolean()) }} as is_field_change,
        {{ column_or_null(raw_columns, 'signature_required', dbt.type_boolean()) }}
            as is_signature_required,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} is not null
            as is_deleted,

        -- dates
        {{ column_or_null(raw_columns, 'due_date', 'date') }} as due_date,
        {{ column_or_null(raw_columns, 'signed_change_order_received_date', 'date') }}
            as signed_change_order_received_date,

        -- timestamps
        {{ column_or_null(raw_columns, 'reviewed_at', dbt.type_timestamp()) }} as reviewed_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp()) }} as deleted_at
{%- endmacro %}
