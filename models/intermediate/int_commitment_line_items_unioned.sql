{#
    The schedule-of-values lines of live subcontracts and purchase orders of the sources the
    build reads, in one shape, each with its commitment's status and whether that commitment
    counts as committed: the lines of committed commitments make the budget's committed
    costs.

    Lines are unioned per project (union_procore_sources: under `both`, a project's lines
    come from REST when the REST load holds any of them). The share's lines name their WBS
    code by id only; its text is the share's `wbs_codes.flat_code`, as the REST line's
    `wbs_code.flat_code`.
#}

{%- set columns = [
    'commitment_line_item_id', 'commitment_id', 'project_id', 'cost_code_id',
    'line_item_type_id', 'wbs_code_id', 'line_position', 'description', 'wbs_code',
    'unit_of_measure', 'quantity', 'unit_cost', 'amount',
] %}

with

{% if reads_rest() -%}
    rest_lines as (

        select
            work_order_contract_line_item_id as commitment_line_item_id,
            work_order_contract_id as commitment_id,
            project_id,
            cost_code_id,
            line_item_type_id,
            wbs_code_id,
            line_position,
            description,
            wbs_code,
            unit_of_measure,
            quantity,
            unit_cost,
            amount
        from {{ ref('stg_procore__work_order_contract_line_items') }}

        union all

        select
            purchase_order_contract_line_item_id as commitment_line_item_id,
            purchase_order_contract_id as commitment_id,
            project_id,
            cost_code_id,
            line_item_type_id,
            wbs_code_id,
            line_position,
            description,
            wbs_code,
            unit_of_measure,
            quantity,
            unit_cost,
            amount
        from {{ ref('stg_procore__purchase_order_contract_line_items') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_wbs_codes as (

        select * from {{ ref('stg_procore_analytics__wbs_codes') }}

    ),

    analytics_lines as (

        select
            shared_lines.commitment_line_item_id,
            shared_lines.commitment_id,
            shared_lines.project_id,
            shared_lines.cost_code_id,
            shared_lines.line_item_type_id,
            shared_lines.wbs_code_id,
            shared_lines.line_position,
            shared_lines.description,
            shared_wbs_codes.wbs_code,
            shared_lines.unit_of_measure,
            shared_lines.quantity,
            shared_lines.unit_cost,
            shared_lines.amount
        from {{ ref('stg_procore_analytics__commitment_line_items') }} as shared_lines
        left join shared_wbs_codes
            on shared_lines.wbs_code_id = shared_wbs_codes.wbs_code_id

    ),
{%- endif %}

commitments as (

    select * from {{ ref('int_commitments_unioned') }}

),

lines as (

    {{ union_procore_sources('rest_lines', 'analytics_lines', columns, 'project_id') }}

),

final as (

    select
        lines.commitment_line_item_id,
        lines.commitment_id,
        commitments.commitment_type,
        lines.project_id,
        lines.cost_code_id,
        lines.line_item_type_id,
        lines.wbs_code_id,
        commitments.vendor_id,
        lines.line_position,
        lines.description,
        lines.wbs_code,
        lines.unit_of_measure,
        commitments.contract_status,
        commitments.is_committed,
        lines.quantity,
        lines.unit_cost,
        lines.amount
    from lines
    -- Only lines of live commitments: a deleted commitment's lines go with it.
    inner join commitments
        on lines.commitment_id = commitments.commitment_id

)

select * from final
