{#
    One row per live RFI with its age, lateness and aging bucket as of one day
    (Procore's RFI measures; the choices are recorded in docs/decisions.md).
#}

with

rfis as (

    select * from {{ ref('int_rfis_unioned') }}
    where not is_deleted

),

projects as (

    select * from {{ ref('dim_projects') }}

),

aging_buckets as (

    select * from {{ ref('rfi_aging_buckets') }}

),

dated as (

    select
        *,
        {{ as_of_date() }} as as_of_date,
        rfi_status = 'open' as is_open,
        cast(initiated_at as date) as initiated_date,
        cast(closed_at as date) as closed_date

    from rfis

),

measured as (

    select
        *,
        -- Days open: to today while open, to the closing day once closed; a draft was
        -- never opened, so it has no age.
        case
            when is_open
                then {{ dbt.datediff('initiated_date', 'as_of_date', 'day') }}
            when rfi_status = 'closed'
                then {{ dbt.datediff('initiated_date', 'closed_date', 'day') }}
        end as days_open,
        -- Overdue: still open after its due date (due today is not yet late).
        coalesce(is_open and due_date < as_of_date, false) as is_overdue,
        coalesce(
            rfi_status = 'closed' and closed_date > due_date, false
        ) as is_closed_late

    from dated

),

bucketed as (

    select
        measured.*,
        aging_buckets.aging_bucket,
        aging_buckets.bucket_order as aging_bucket_order,
        case
            when measured.is_overdue
                then
                    {{ dbt.datediff('measured.due_date', 'measured.as_of_date', 'day') }}
            when measured.is_open then 0
        end as days_overdue

    from measured
    left join aging_buckets
        on
            measured.is_open
            and measured.days_open >= aging_buckets.min_days_open
            and (
                aging_buckets.max_days_open is null
                or measured.days_open <= aging_buckets.max_days_open
            )

),

final as (

    select
        bucketed.rfi_id,
        bucketed.project_id,
        projects.company_id,
        projects.project_name,
        bucketed.rfi_number,
        bucketed.rfi_full_number,
        bucketed.subject,
        bucketed.rfi_status,
        bucketed.is_open,
        bucketed.as_of_date,
        bucketed.initiated_at,
        bucketed.due_date,
        bucketed.closed_at,
        cast(bucketed.days_open as {{ dbt.type_int() }}) as days_open,
        bucketed.aging_bucket,
        bucketed.aging_bucket_order,
        bucketed.is_overdue,
        cast(bucketed.days_overdue as {{ dbt.type_int() }}) as days_overdue,
        bucketed.is_closed_late,
        bucketed.ball_in_court_id,
        bucketed.ball_in_court_name,
        bucketed.assignee_name,
        bucketed.rfi_manager_name,
        bucketed.responsible_contractor_id,
        bucketed.responsible_contractor_name,
        bucketed.cost_code_name,
        bucketed.location_name,
        bucketed.cost_impact_status,
        bucketed.cost_impact_amount,
        bucketed.schedule_impact_status,
        bucketed.schedule_impact_days,
        bucketed.created_at,
        bucketed.updated_at

    from bucketed
    left join projects
        on bucketed.project_id = projects.project_id

)

select * from final
