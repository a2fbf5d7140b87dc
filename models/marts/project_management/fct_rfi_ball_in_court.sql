{#
    Who holds the open RFIs, by company: the company of each open RFI's ball-in-court person
    (a subcontractor's staff belong to its vendor; the contractor's own employees to the
    company itself). An RFI nobody holds, or held by someone with no company on record, is
    counted under a label in brackets, so the counts always add up to the open RFIs.
#}

with

rfis as (

    select * from {{ ref('fct_rfi_aging') }}
    where is_open

),

users as (

    select * from {{ ref('int_users_unioned') }}

),

companies as (

    select * from {{ ref('int_companies_unioned') }}

),

held as (

    select
        rfis.project_id,
        rfis.is_overdue,
        case
            when rfis.ball_in_court_id is null then '(nobody)'
            when users.vendor_name is not null then users.vendor_name
            when users.is_employee then companies.company_name
            else '(no company on record)'
        end as ball_in_court_company

    from rfis
    left join users
        on
            rfis.ball_in_court_id = users.user_id
            and rfis.company_id = users.company_id
    left join companies
        on rfis.company_id = companies.company_id

),

counted as (

    select
        project_id,
        ball_in_court_company,
        count(*) as open_rfis,
        sum(case when is_overdue then 1 else 0 end) as overdue_rfis

    from held
    group by project_id, ball_in_court_company

),

project_totals as (

    select
        project_id,
        sum(open_rfis) as project_open_rfis

    from counted
    group by project_id

),

final as (

    select
        counted.project_id,
        counted.ball_in_court_company,
        cast(counted.open_rfis as {{ dbt.type_int() }}) as open_rfis,
        cast(counted.overdue_rfis as {{ dbt.type_int() }}) as overdue_rfis,
        -- A double divided, not `* 1.0`: Spark's `1.0` is a decimal, and its decimal division
        -- rounds 8/9 to 15 digits where DuckDB's double keeps 16.
        cast(counted.open_rfis as double)
        / project_totals.project_open_rfis as share_of_open_rfis,
        {{ as_of_date() }} as as_of_date

    from counted
    inner join project_totals
        on counted.project_id = project_totals.project_id

)

select * from final
