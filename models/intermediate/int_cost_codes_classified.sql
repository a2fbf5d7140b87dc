{#
    Live cost codes of every project of the sources the build reads, with their CSI
    division: the division code is the full code of the code's root (`03` for `03-300`),
    named from the `csi_divisions` seed, or by the project's own division row when the seed
    does not know the code (a company's own division).

    Both staging models walk the tree the same way (up to four parents, to the root), so a
    code gets the same division from either source (union_procore_sources: under `both`, a
    project's codes come from REST when the REST load holds any of them). The share has no
    delete marker (a deleted code is absent) and does not say what a code belongs to, so its
    codes are live and their `biller_type` is empty.
#}

{%- set columns = [
    'cost_code_id', 'project_id', 'parent_cost_code_id', 'division_cost_code_id', 'cost_code',
    'cost_code_name', 'division_code', 'division_name', 'sortable_code', 'biller_type',
    'sort_position', 'is_division', 'is_budgeted', 'is_deleted', 'created_at', 'updated_at',
] %}

with

{% if reads_rest() -%}
    rest_cost_codes as (

        select * from {{ ref('stg_procore__cost_codes') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_cost_codes as (

        select
            cost_code_id,
            project_id,
            parent_cost_code_id,
            division_cost_code_id,
            cost_code,
            cost_code_name,
            division_code,
            division_name,
            sortable_code,
            cast(null as {{ dbt.type_string() }}) as biller_type,
            sort_position,
            is_division,
            is_budgeted,
            is_deleted,
            created_at,
            updated_at
        from {{ ref('stg_procore_analytics__cost_codes') }}

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_cost_codes', 'analytics_cost_codes', columns, 'project_id') }}

),

cost_codes as (

    select * from unioned
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
