{#
    The columns every Procore line item carries, whatever holds it (a prime contract, a
    subcontract, a purchase order, a direct cost: one shape in the API): its budget code
    (cost code x cost type, and WBS code), description, quantity, unit cost and amount.
    Staging models of line items select their own ids, then these.
#}
{% macro procore_line_item_columns(raw_columns) -%}
        {{ column_or_null(raw_columns, 'cost_code__id', dbt.type_bigint()) }} as cost_code_id,
        {{ column_or_null(raw_columns, 'line_item_type__id', dbt.type_bigint()) }}
            as line_item_type_id,
        {{ column_or_null(raw_columns, 'wbs_code__id', dbt.type_bigint()) }} as wbs_code_id,

        -- strings
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }} as description,
        {{ column_or_null(raw_columns, 'cost_code__full_code', dbt.type_string()) }} as cost_code,
        {{ column_or_null(raw_columns, 'cost_code__name', dbt.type_string()) }} as cost_code_name,
        {{ column_or_null(raw_columns, 'line_item_type__name', dbt.type_string()) }} as cost_type,
        {{ column_or_null(raw_columns, 'wbs_code__flat_code', dbt.type_string()) }} as wbs_code,
        {{ column_or_null(raw_columns, 'uom', dbt.type_string()) }} as unit_of_measure,
        {{ column_or_null(
            raw_columns, 'currency_configuration__currency_iso_code', dbt.type_string()
        ) }} as currency_iso_code,

        -- numerics
        {{ column_or_null(raw_columns, 'position', dbt.type_int()) }} as line_position,
        {{ column_or_null(raw_columns, 'quantity', 'decimal(18, 4)') }} as quantity,
        {{ cast_money(column_or_null(raw_columns, 'unit_cost', dbt.type_string())) }} as unit_cost,
        {{ cast_money(column_or_null(raw_columns, 'amount', dbt.type_string())) }} as amount,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at
{%- endmacro %}
