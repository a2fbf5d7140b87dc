{#
    One row per live cost code of every project's cost code tree, divisions included, with
    its CSI division (docs/decisions.md; seed `csi_divisions`).
#}

with

cost_codes as (

    select * from {{ ref('int_cost_codes_classified') }}

),

final as (

    select
        cast(cost_code_id as {{ dbt.type_bigint() }}) as cost_code_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        cast(parent_cost_code_id as {{ dbt.type_bigint() }}) as parent_cost_code_id,
        cast(cost_code as {{ dbt.type_string() }}) as cost_code,
        cast(cost_code_name as {{ dbt.type_string() }}) as cost_code_name,
        cast(division_code as {{ dbt.type_string() }}) as division_code,
        cast(division_name as {{ dbt.type_string() }}) as division_name,
        cast(is_budgeted as {{ dbt.type_boolean() }}) as is_budgeted
    from cost_codes

)

select * from final
