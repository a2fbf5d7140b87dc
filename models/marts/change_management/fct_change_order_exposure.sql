{#
    Change order exposure per project (docs/decisions.md, "Change orders and exposure"), one
    row for every project of dim_projects, zeros where nothing applies:
    - unpriced exposure: revenue (and cost) ROM of lines of open or pending change events
      that are on no prime PCO yet;
    - potential change orders summed by side and status family, packaged or not;
    - unfunded commitment changes: approved commitment change orders none of whose change
      events is on an approved prime change order, aged from approval;
    - change order margin: over/under of the lines of change events that are not void;
    - the oldest pending change order's days pending.
#}
with

projects as (

    select project_id from {{ ref('dim_projects') }}

),

change_event_lines as (

    select * from {{ ref('int_change_event_lines_priced') }}

),

potential_change_orders as (

    select * from {{ ref('int_potential_change_orders_sided') }}

),

change_orders as (

    select * from {{ ref('int_change_orders_unioned') }}

),

change_event_totals as (

    select
        project_id,
        sum(
            case
                when mapped_status in ('open', 'pending') and not is_on_prime_pco
                    then revenue_rom
                else 0
            end
        ) as unpriced_exposure,
        sum(
            case
                when mapped_status in ('open', 'pending') and not is_on_prime_pco
                    then cost_rom
                else 0
            end
        ) as unpriced_exposure_cost,
        sum(
            case when mapped_status != 'void' then over_under else 0 end
        ) as change_order_margin
    from change_event_lines
    group by project_id

),

pco_totals as (

    select
        project_id,
        sum(
            case
                when contract_side = 'prime' and status_group = 'pending' then amount
                else 0
            end
        ) as prime_pending_amount,
        sum(
            case
                when contract_side = 'prime' and status_group = 'approved' then amount
                else 0
            end
        ) as prime_approved_amount,
        sum(
            case
                when contract_side = 'prime' and status_group in ('rejected', 'void')
                    then amount
                else 0
            end
        ) as prime_rejected_or_void_amount,
        sum(
            case
                when contract_side = 'commitment' and status_group = 'pending' then amount
                else 0
            end
        ) as commitment_pending_amount,
        sum(
            case
                when contract_side = 'commitment' and status_group = 'approved' then amount
                else 0
            end
        ) as commitment_approved_amount,
        sum(
            case
                when contract_side = 'commitment' and status_group in ('rejected', 'void')
                    then amount
                else 0
            end
        ) as commitment_rejected_or_void_amount
    from potential_change_orders
    group by project_id

),

-- Approved commitment change orders the owner has not agreed to pay for, by days since
-- approval (the review day, else the creation day).
unfunded_change_orders as (

    select
        project_id,
        amount,
        {{ dbt.datediff(
            'cast(coalesce(reviewed_at, created_at) as date)', as_of_date(), 'day'
        ) }} as days_since_approval
    from change_orders
    where
        contract_side = 'commitment'
        and status_group = 'approved'
        and not has_approved_prime_change_order

),

unfunded_totals as (

    select
        project_id,
        sum(amount) as unfunded_commitment_changes,
        sum(
            case when days_since_approval <= 30 then amount else 0 end
        ) as unfunded_0_30_days,
        sum(
            case
                when days_since_approval > 30 and days_since_approval <= 60 then amount
                else 0
            end
        ) as unfunded_31_60_days,
        sum(
            case when days_since_approval > 60 then amount else 0 end
        ) as unfunded_over_60_days,
        count(*) as unfunded_change_order_count
    from unfunded_change_orders
    group by project_id

),

pending_change_orders as (

    select
        project_id,
        max(
            {{ dbt.datediff('cast(created_at as date)', as_of_date(), 'day') }}
        ) as oldest_pending_days
    from change_orders
    where status_group = 'pending'
    group by project_id

),

final as (

    select
        cast(projects.project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ cast_money('coalesce(change_event_totals.unpriced_exposure, 0)') }}
            as unpriced_exposure,
        {{ cast_money('coalesce(change_event_totals.unpriced_exposure_cost, 0)') }}
            as unpriced_exposure_cost,
        {{ cast_money('coalesce(pco_totals.prime_pending_amount, 0)') }}
            as prime_pending_amount,
        {{ cast_money('coalesce(pco_totals.prime_approved_amount, 0)') }}
            as prime_approved_amount,
        {{ cast_money('coalesce(pco_totals.prime_rejected_or_void_amount, 0)') }}
            as prime_rejected_or_void_amount,
        {{ cast_money('coalesce(pco_totals.commitment_pending_amount, 0)') }}
            as commitment_pending_amount,
        {{ cast_money('coalesce(pco_totals.commitment_approved_amount, 0)') }}
            as commitment_approved_amount,
        {{ cast_money('coalesce(pco_totals.commitment_rejected_or_void_amount, 0)') }}
            as commitment_rejected_or_void_amount,
        {{ cast_money('coalesce(unfunded_totals.unfunded_commitment_changes, 0)') }}
            as unfunded_commitment_changes,
        {{ cast_money('coalesce(unfunded_totals.unfunded_0_30_days, 0)') }}
            as unfunded_0_30_days,
        {{ cast_money('coalesce(unfunded_totals.unfunded_31_60_days, 0)') }}
            as unfunded_31_60_days,
        {{ cast_money('coalesce(unfunded_totals.unfunded_over_60_days, 0)') }}
            as unfunded_over_60_days,
        cast(
            coalesce(unfunded_totals.unfunded_change_order_count, 0) as {{ dbt.type_int() }}
        ) as unfunded_change_order_count,
        {{ cast_money('coalesce(change_event_totals.change_order_margin, 0)') }}
            as change_order_margin,
        cast(pending_change_orders.oldest_pending_days as {{ dbt.type_int() }})
            as oldest_pending_days,
        cast({{ as_of_date() }} as date) as as_of_date
    from projects
    left join change_event_totals
        on projects.project_id = change_event_totals.project_id
    left join pco_totals
        on projects.project_id = pco_totals.project_id
    left join unfunded_totals
        on projects.project_id = unfunded_totals.project_id
    left join pending_change_orders
        on projects.project_id = pending_change_orders.project_id

)

select * from final
