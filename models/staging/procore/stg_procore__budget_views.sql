{%- set raw_columns = source_column_names(source('procore', 'budget_views')) -%}

with

source as (

    select * from {{ procore_source('budget_views') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_bigint() }}) as budget_view_id,
        cast(_procore_project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'created_by__id', dbt.type_bigint()) }} as created_by_id,

        -- strings
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as budget_view_name,
        {{ column_or_null(raw_columns, 'description', dbt.type_string()) }}
            as budget_view_description,
        {{ column_or_null(raw_columns, 'created_by__name', dbt.type_string()) }}
            as created_by_name,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at

    from source

)

select * from renamed
