{#
    The cost code tree as `stg_procore__cost_codes` has it: divisions at the root, codes
    below them; each code gets its division by walking up to four parents.
#}

{%- set raw_columns = source_column_names(source('procore_analytics', 'cost_codes')) -%}

with

source as (

    select * from {{ procore_analytics_source('cost_codes') }}

),

renamed as (

    select
        -- ids
        cast(cost_code_id as {{ dbt.type_bigint() }}) as cost_code_id,
        cast(company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ column_or_null(raw_columns, 'parent_id', dbt.type_bigint()) }} as parent_cost_code_id,

        -- strings
        {{ column_or_null(raw_columns, 'full_code', dbt.type_string()) }} as cost_code,
        {{ column_or_null(raw_columns, 'name', dbt.type_string()) }} as cost_code_name,
        {{ column_or_null(raw_columns, 'code', dbt.type_string()) }} as cost_code_segment,
        {{ column_or_null(raw_columns, 'sortable_code', dbt.type_string()) }} as sortable_code,

        -- numerics
        {{ column_or_null(raw_columns, 'position', dbt.type_int()) }} as sort_position,

        -- booleans
        {{ column_or_null(raw_columns, 'parent_id', dbt.type_bigint()) }} is null as is_division,
        {{ column_or_null(raw_columns, 'budgeted', dbt.type_boolean()) }} as is_budgeted,
        false as is_deleted,

        -- timestamps
        {{ column_or_null(raw_columns, 'created_at', dbt.type_timestamp()) }} as created_at,
        {{ column_or_null(raw_columns, 'updated_at', dbt.type_timestamp()) }} as updated_at,
        {{ column_or_null(raw_columns, 'audit_transaction_timestamp', dbt.type_timestamp()) }}
            as audit_transaction_timestamp,
        cast(null as {{ dbt.type_timestamp() }}) as deleted_at

    from source

),

ancestry as (

    select
        renamed.cost_code_id,
        coalesce(
            parent_4.cost_code_id,
            parent_3.cost_code_id,
            parent_2.cost_code_id,
            parent_1.cost_code_id,
            renamed.cost_code_id
        ) as division_cost_code_id

    from renamed
    left join renamed as parent_1
        on
            renamed.parent_cost_code_id = parent_1.cost_code_id
            and renamed.project_id = parent_1.project_id
    left join renamed as parent_2
        on
            parent_1.parent_cost_code_id = parent_2.cost_code_id
            and parent_1.project_id = parent_2.project_id
    left join renamed as parent_3
        on
            parent_2.parent_cost_code_id = parent_3.cost_code_id
            and parent_2.project_id = parent_3.project_id
    left join renamed as parent_4
        on
            parent_3.parent_cost_code_id = parent_4.cost_code_id
            and parent_3.project_id = parent_4.project_id

),

final as (

    select
        -- ids
        renamed.cost_code_id,
        renamed.company_id,
        renamed.project_id,
        renamed.parent_cost_code_id,
        ancestry.division_cost_code_id,

        -- strings
        renamed.cost_code,
        renamed.cost_code_name,
        renamed.cost_code_segment,
        division.cost_code as division_code,
        division.cost_code_name as division_name,
        renamed.sortable_code,

        -- numerics
        renamed.sort_position,

        -- booleans
        renamed.is_division,
        renamed.is_budgeted,
        renamed.is_deleted,

        -- timestamps
        renamed.created_at,
        renamed.updated_at,
        renamed.audit_transaction_timestamp,
        renamed.deleted_at

    from renamed
    inner join ancestry
        on renamed.cost_code_id = ancestry.cost_code_id
    inner join renamed as division
        on ancestry.division_cost_code_id = division.cost_code_id

)

select * from final
