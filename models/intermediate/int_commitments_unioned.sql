{#
    Subcontracts and purchase orders of the sources the build reads, in one shape, live ones
    only (docs/decisions.md, "Commitments"). The original amount is the schedule of values
    (the sum of the commitment's line items); Procore's own original (`grand_total`) is kept
    beside it as `reported_original_amount`. Change orders are summed by status family (seed
    `change_order_status_groups`); invoiced, paid and retainage come from the subcontractor
    invoices (requisitions).

    Each list (commitments, their lines, their change orders, their invoices) is unioned on
    its own (union_procore_sources: under `both`, a project's rows of a list come from REST
    when the REST load holds any of them), REST rows deleted or not; deleted ones are left
    out after the union. The share has no delete marker (a deleted record is absent), does
    not publish a commitment's currency (its amounts are in the project currency, which it
    does not name either) and gives an invoice's work completed to date, not the work billed
    in its period: that is the work completed to date less the previous invoice's (the G702
    arithmetic, which is how Procore fills `total_claimed_amount`).
#}

{%- set commitment_columns = [
    'commitment_id', 'commitment_type', 'project_id', 'vendor_id', 'vendor_name',
    'contract_number', 'title', 'contract_status', 'is_executed', 'currency_iso_code',
    'reported_original_amount', 'is_deleted', 'contract_date', 'execution_date',
    'delivery_date', 'created_at', 'updated_at',
] %}
{%- set line_columns = ['commitment_line_item_id', 'commitment_id', 'project_id', 'amount'] %}
{%- set change_order_columns = [
    'change_order_id', 'commitment_id', 'project_id', 'change_order_status', 'amount',
    'is_deleted',
] %}
{%- set requisition_columns = [
    'requisition_id', 'commitment_id', 'project_id', 'requisition_number', 'requisition_status',
    'total_claimed_amount', 'current_payment_due_amount', 'total_retainage_amount',
    'payment_date',
] %}

with

{% if reads_rest() -%}
    rest_commitments as (

        select
            work_order_contract_id as commitment_id,
            'subcontract' as commitment_type,
            project_id,
            vendor_id,
            vendor_name,
            contract_number,
            title,
            contract_status,
            is_executed,
            currency_iso_code,
            original_contract_amount as reported_original_amount,
            is_deleted,
            contract_date,
            execution_date,
            cast(null as date) as delivery_date,
            created_at,
            updated_at
        from {{ ref('stg_procore__work_order_contracts') }}

        union all

        select
            purchase_order_contract_id as commitment_id,
            'purchase_order' as commitment_type,
            project_id,
            vendor_id,
            vendor_name,
            contract_number,
            title,
            contract_status,
            is_executed,
            currency_iso_code,
            original_contract_amount as reported_original_amount,
            is_deleted,
            contract_date,
            execution_date,
            delivery_date,
            created_at,
            updated_at
        from {{ ref('stg_procore__purchase_order_contracts') }}

    ),

    rest_commitment_lines as (

        select
            work_order_contract_line_item_id as commitment_line_item_id,
            work_order_contract_id as commitment_id,
            project_id,
            amount
        from {{ ref('stg_procore__work_order_contract_line_items') }}

        union all

        select
            purchase_order_contract_line_item_id as commitment_line_item_id,
            purchase_order_contract_id as commitment_id,
            project_id,
            amount
        from {{ ref('stg_procore__purchase_order_contract_line_items') }}

    ),

    rest_change_orders as (

        select
            commitment_change_order_id as change_order_id,
            commitment_id,
            project_id,
            change_order_status,
            amount,
            is_deleted
        from {{ ref('stg_procore__commitment_change_orders') }}

    ),

    rest_requisitions as (

        select
            requisition_id,
            commitment_id,
            project_id,
            requisition_number,
            requisition_status,
            total_claimed_amount,
            current_payment_due_amount,
            total_retainage_amount,
            payment_date
        from {{ ref('stg_procore__requisitions') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    analytics_commitments as (

        select
            commitment_id,
            commitment_type,
            project_id,
            vendor_id,
            vendor_name,
            commitment_number as contract_number,
            title,
            commitment_status as contract_status,
            is_executed,
            -- The share names no currency; its amounts are in the project currency.
            cast(null as {{ dbt.type_string() }}) as currency_iso_code,
            original_contract_amount as reported_original_amount,
            -- The share drops deleted commitments: every row is live.
            false as is_deleted,
            contract_date,
            execution_date,
            delivery_date,
            created_at,
            updated_at
        from {{ ref('stg_procore_analytics__commitments') }}

    ),

    analytics_commitment_lines as (

        select
            commitment_line_item_id,
            commitment_id,
            project_id,
            amount
        from {{ ref('stg_procore_analytics__commitment_line_items') }}

    ),

    analytics_change_orders as (

        select
            commitment_change_order_id as change_order_id,
            commitment_id,
            project_id,
            change_order_status,
            amount,
            is_deleted
        from {{ ref('stg_procore_analytics__commitment_change_orders') }}

    ),

    analytics_requisitions as (

        select
            requisition_id,
            commitment_id,
            project_id,
            requisition_number,
            requisition_status,
            -- Work billed in the invoice's period: work completed to date less the
            -- previous invoice's (every invoice of the commitment, drafts included).
            {{ cast_money(
                'work_completed_to_date_amount - coalesce(lag(work_completed_to_date_amount)'
                ~ ' over (partition by commitment_id'
                ~ ' order by requisition_number, requisition_id), 0)'
            ) }} as total_claimed_amount,
            current_payment_due_amount,
            total_retainage_amount,
            payment_date
        from {{ ref('stg_procore_analytics__subcontractor_invoices') }}

    ),
{%- endif %}

unioned_commitments as (

    {{ union_procore_sources(
        'rest_commitments', 'analytics_commitments', commitment_columns, 'project_id'
    ) }}

),

commitment_lines as (

    {{ union_procore_sources(
        'rest_commitment_lines', 'analytics_commitment_lines', line_columns, 'project_id'
    ) }}

),

unioned_change_orders as (

    {{ union_procore_sources(
        'rest_change_orders', 'analytics_change_orders', change_order_columns, 'project_id'
    ) }}

),

requisitions as (

    {{ union_procore_sources(
        'rest_requisitions', 'analytics_requisitions', requisition_columns, 'project_id'
    ) }}

),

change_orders as (

    select * from unioned_change_orders
    where not is_deleted

),

status_groups as (

    select * from {{ ref('change_order_status_groups') }}

),

commitments as (

    select
        commitment_id,
        commitment_type,
        project_id,
        vendor_id,
        vendor_name,
        contract_number,
        title,
        contract_status,
        is_executed,
        currency_iso_code,
        reported_original_amount,
        contract_date,
        execution_date,
        delivery_date,
        created_at,
        updated_at,
        case
            -- A subcontract is committed once the buyout happened: approved or complete.
            when commitment_type = 'subcontract'
                then coalesce(contract_status in ('approved', 'complete'), false)
            -- A purchase order once ordered: approved, (partially) received or closed.
            else coalesce(
                contract_status in ('approved', 'partially received', 'received', 'closed'),
                false
            )
        end as is_committed
    from unioned_commitments
    where not is_deleted

),

schedule_of_values as (

    select
        commitment_id,
        sum(amount) as original_amount,
        count(*) as line_count
    from commitment_lines
    group by commitment_id

),

change_order_totals as (

    select
        change_orders.commitment_id,
        sum(
            case when status_groups.status_group = 'approved' then change_orders.amount else 0 end
        ) as approved_change_orders,
        sum(
            case when status_groups.status_group = 'pending' then change_orders.amount else 0 end
        ) as pending_change_orders,
        sum(
            case when status_groups.status_group = 'draft' then change_orders.amount else 0 end
        ) as draft_change_orders
    from change_orders
    left join status_groups
        on change_orders.change_order_status = status_groups.change_order_status
    group by change_orders.commitment_id

),

submitted_requisitions as (

    select
        commitment_id,
        requisition_number,
        total_claimed_amount,
        current_payment_due_amount,
        total_retainage_amount,
        payment_date,
        row_number() over (
            partition by commitment_id
            order by requisition_number desc, requisition_id desc
        ) as recency
    from requisitions
    -- A draft invoice was never submitted: it is neither invoiced nor paid.
    where requisition_status <> 'draft'

),

requisition_totals as (

    select
        commitment_id,
        sum(total_claimed_amount) as invoiced_amount,
        -- What was paid on an invoice is its current payment due (net of retainage).
        sum(
            case when payment_date is not null then current_payment_due_amount else 0 end
        ) as paid_amount,
        -- Retainage is cumulative on every invoice: the latest one holds the running total.
        sum(case when recency = 1 then total_retainage_amount else 0 end) as retainage_held,
        count(*) as submitted_invoice_count
    from submitted_requisitions
    group by commitment_id

),

final as (

    select
        commitments.commitment_id,
        commitments.commitment_type,
        commitments.project_id,
        commitments.vendor_id,
        commitments.vendor_name,
        commitments.contract_number,
        commitments.title,
        commitments.contract_status,
        commitments.is_committed,
        commitments.is_executed,
        commitments.currency_iso_code,
        {{ cast_money('coalesce(schedule_of_values.original_amount, 0)') }} as original_amount,
        commitments.reported_original_amount,
        {{ cast_money('coalesce(change_order_totals.approved_change_orders, 0)') }}
            as approved_change_orders,
        {{ cast_money('coalesce(change_order_totals.pending_change_orders, 0)') }}
            as pending_change_orders,
        {{ cast_money('coalesce(change_order_totals.draft_change_orders, 0)') }}
            as draft_change_orders,
        {{ cast_money(
            'coalesce(schedule_of_values.original_amount, 0)'
            ~ ' + coalesce(change_order_totals.approved_change_orders, 0)'
        ) }} as revised_amount,
        {{ cast_money('coalesce(requisition_totals.invoiced_amount, 0)') }} as invoiced_amount,
        {{ cast_money('coalesce(requisition_totals.paid_amount, 0)') }} as paid_amount,
        {{ cast_money('coalesce(requisition_totals.retainage_held, 0)') }} as retainage_held,
        coalesce(schedule_of_values.line_count, 0) as line_item_count,
        coalesce(requisition_totals.submitted_invoice_count, 0) as submitted_invoice_count,
        commitments.contract_date,
        commitments.execution_date,
        commitments.delivery_date,
        commitments.created_at,
        commitments.updated_at
    from commitments
    left join schedule_of_values
        on commitments.commitment_id = schedule_of_values.commitment_id
    left join change_order_totals
        on commitments.commitment_id = change_order_totals.commitment_id
    left join requisition_totals
        on commitments.commitment_id = requisition_totals.commitment_id

)

select * from final
