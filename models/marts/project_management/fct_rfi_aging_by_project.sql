{#
    Open RFIs per project and aging bucket, every bucket of the seed present for every
    project (zero counts included, so a chart's axis never loses a bucket), with the
    project's backlog and time to close beside them. Built on `fct_rfi_aging`, so both marts
    always tell the same story.
#}

with

rfis as (

    select * from {{ ref('fct_rfi_aging') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

aging_buckets as (

    select * from {{ ref('rfi_aging_buckets') }}

),

project_buckets as (

    select
        projects.project_id,
        aging_buckets.aging_bucket,
        aging_buckets.bucket_order as aging_bucket_order

    from projects
    cross join aging_buckets

),

bucket_counts as (

    select
        project_id,
        aging_bucket,
        count(*) as open_rfis,
        sum(case when is_overdue then 1 else 0 end) as overdue_rfis

    from rfis
    where aging_bucket is not null
    group by project_id, aging_bucket

),

project_totals as (

    select
        project_id,
        sum(case when is_open then 1 else 0 end) as project_open_rfis,
        sum(case when is_overdue then 1 else 0 end) as project_overdue_rfis,
        sum(case when rfi_status = 'closed' then 1 else 0 end) as project_closed_rfis,
        avg(case when rfi_status = 'closed' then days_open end) as average_days_to_close,
        {{ median("case when rfi_status = 'closed' then days_open end") }}
            as median_days_to_close

    from rfis
    group by project_id

),

final as (

    select
        project_buckets.project_id,
        project_buckets.aging_bucket,
        cast(project_buckets.aging_bucket_order as {{ dbt.type_int() }}) as aging_bucket_order,
        cast(coalesce(bucket_counts.open_rfis, 0) as {{ dbt.type_int() }}) as open_rfis,
        cast(coalesce(bucket_counts.overdue_rfis, 0) as {{ dbt.type_int() }}) as overdue_rfis,
        cast(
            coalesce(project_totals.project_open_rfis, 0) as {{ dbt.type_int() }}
        ) as project_open_rfis,
        cast(
            coalesce(project_totals.project_overdue_rfis, 0) as {{ dbt.type_int() }}
        ) as project_overdue_rfis,
        cast(
            coalesce(project_totals.project_closed_rfis, 0) as {{ dbt.type_int() }}
        ) as project_closed_rfis,
        cast(project_totals.average_days_to_close as double)
            as average_days_to_close,
        cast(project_totals.median_days_to_close as double)
            as median_days_to_close,
        {{ as_of_date() }} as as_of_date

    from project_buckets
    left join bucket_counts
        on
            project_buckets.project_id = bucket_counts.project_id
            and project_buckets.aging_bucket = bucket_counts.aging_bucket
    left join project_totals
        on project_buckets.project_id = project_totals.project_id

)

select * from final
