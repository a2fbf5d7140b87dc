{#
    Live cost codes of every project with their CSI division: the division code is the full
    code of the code's root (`03` for `03-300`), named from the `csi_divisions` seed, or by
    the project's own division row when the seed does not know the code (a company's own
    division).
#}

with

cost_codes as (

    select * from {{ ref('stg_procore__cost_codes') }}
    where not is_deleted

),

csi_divisions as (

    select * from {{ ref('csi_divisions') }}

),

final as (

    select
        cost_codes.cost_code_id,
        cost_codes.project_id,
        cost_codes.parent_cost_code_id,
        cost_codes.division_cost_code_id,
        cost_codes.cost_code,
        cost_codes.cost_code_name,
        cost_codes.division_code,
        cost_codes.sortable_code,
        cost_codes.biller_type,
        cost_codes.sort_position,
        cost_codes.is_division,
        cost_codes.created_at,
        cost_codes.updated_at,
        coalesce(csi_divisions.division_name, cost_codes.division_name) as division_name,
        coalesce(cost_codes.is_budgeted, false) as is_budgeted
    from cost_codes
    left join csi_divisions
        on cost_codes.division_code = csi_divisions.division_code

)

select * from final
