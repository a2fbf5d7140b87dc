{#
    The columns of a Procore user, as the company directory and a project's team both list
    them: the person's own company (their vendor), permission template, name, contact details
    and flags. Each staging model selects its own keys, then these.
#}
{% macro procore_user_columns(raw_columns) -%}
        {{ column_or_null(raw_columns, 'vendor__id', dbt.type_bigint()) }} as vendor_id,
        {{ column_or_null(raw_columns, 'permission_template__id', dbt.type_bigint()) }}
            as permission_template_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as user_name,
        {{ column_or_null(raw_columns, 'first_name', dbt.type_string()) }} as first_name,
        {{ column_or_null(raw_columns, 'last_name', dbt.type_string()) }} as last_name,
        {{ column_or_null(raw_columns, 'initials', dbt.type_string()) }} as initials,
        {{ column_or_null(raw_columns, 'email_address', dbt.type_string()) }} as email_address,
        {{ column_or_null(raw_columns, 'job_title', dbt.type_string()) }} as job_title,
        {{ column_or_null(raw_columns, 'employee_id', dbt.type_string()) }} as employee_number,
        {{ column_or_null(raw_columns, 'vendor__name', dbt.type_string()) }} as vendor_name,
        {{ column_or_null(raw_columns, 'permission_template__name', dbt.type_string()) }}
            as permission_template_name,
        {{ column_or_null(raw_columns, 'city', dbt.type_string()) }} as city,
        {{ column_or_null(raw_columns, 'state_code', dbt.type_string()) }} as state_code,
        {{ column_or_null(raw_columns, 'country_code', dbt.type_string()) }} as country_code,
        {{ column_or_null(raw_columns, 'business_phone', dbt.type_string()) }} as business_phone,
        {{ column_or_null(raw_columns, 'mobile_phone', dbt.type_string()) }} as mobile_phone,

        -- booleans
        {{ column_or_null(raw_columns, 'is_active', dbt.type_boolean()) }} as is_active,
        {{ column_or_null(raw_columns, 'is_employee', dbt.type_boolean()) }} as is_employee,

        -- timestamps
        {{ column_or_null(raw_columns, 'last_login_at', dbt.type_timestamp()) }} as last_login_at,
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at
{%- endmacro %}
