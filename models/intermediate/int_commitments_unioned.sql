{#
    Subcontracts and purchase orders in one shape, live ones only (docs/decisions.md,
    "Commitments"). The original amount is the schedule of values (the sum of the
    commitment's line items); Procore's own original (`grand_total`) is kept beside it as
    `reported_original_amount`. Change orders are summed by status family (seed
    `change_order_status_groups`); invoiced, paid and retainage come from the subcontractor
    invoices (requisitions).
#}

with

subcontracts as (

    select * from {{ ref('stg_procore__work_order_contracts') }}
    where not is_deleted

),

purchase_orders as (

    select * from {{ ref('stg_procore__purchase_order_contracts') }}
    where not is_deleted

),

commitment_lines as (

    select
        work_order_contract_id as commitment_id,
        amount
    from {{ ref('stg_procore__work_order_contract_line_items') }}

    union all

    select
        purchase_order_contract_id as commitment_id,
        amount
    from {{ ref('stg_procore__purchase_order_contract_line_items') }}

),

change_orders as (

    select * from {{ ref('stg_procore__commitment_change_orders') }}
    where not is_deleted

),

status_groups as (

    select * from {{ ref('change_order_status_groups') }}

),

requisitions as (

    select * from {{ ref('stg_procore__requisitions') }}

),

unioned as (

    select
        work_order_contract_id as commitment_id,
        'subcontract' as commitment_type,
        project_id,
        vendor_id,
        vendor_name,
        contract_number,
        title,
        contract_status,
        -- Committed once the buyout happened: an approved or complete subcontract.
        coalesce(contract_status in ('approved', 'complete'), false) as is_committed,
        is_executed,
        currency_iso_code,
        original_contract_amount as reported_original_amount,
        contract_date,
        execution_date,
        cast(null as date) as delivery_date,
        created_at,
        updated_at
    from subcontracts

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
        -- Committed once ordered: approved, (partially) received or closed.
        coalesce(
            contract_status in ('approved', 'partially received', 'received', 'closed'),
            false
        ) as is_committed,
        is_executed,
        currency_iso_code,
        original_contract_amount as reported_original_amount,
        contract_date,
        execution_date,
        delivery_date,
        created_at,
        updated_at
    from purchase_orders

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
        unioned.commitment_id,
        unioned.commitment_type,
        unioned.project_id,
        unioned.vendor_id,
        unioned.vendor_name,
        unioned.contract_number,
        unioned.title,
        unioned.contract_status,
        unioned.is_committed,
        unioned.is_executed,
        unioned.currency_iso_code,
        {{ cast_money('coalesce(schedule_of_values.original_amount, 0)') }} as original_amount,
        unioned.reported_original_amount,
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
        unioned.contract_date,
        unioned.execution_date,
        unioned.delivery_date,
        unioned.created_at,
        unioned.updated_at
    from unioned
    left join schedule_of_values
        on unioned.commitment_id = schedule_of_values.commitment_id
    left join change_order_totals
        on unioned.commitment_id = change_order_totals.commitment_id
    left join requisition_totals
        on unioned.commitment_id = requisition_totals.commitment_id

)

select * from final
