-- Every RFI that is not deleted appears in the aging mart exactly once: the joins to
-- projects and aging buckets must neither drop nor repeat an RFI. Returns the offenders.

with

live_rfis as (

    select rfi_id from {{ ref('int_rfis_unioned') }}
    where not is_deleted

),

mart_rows as (

    select
        rfi_id,
        count(*) as row_count

    from {{ ref('fct_rfi_aging') }}
    group by rfi_id

)

select
    coalesce(live_rfis.rfi_id, mart_rows.rfi_id) as rfi_id,
    coalesce(mart_rows.row_count, 0) as row_count

from live_rfis
full outer join mart_rows
    on live_rfis.rfi_id = mart_rows.rfi_id
where
    live_rfis.rfi_id is null
    or mart_rows.row_count is null
    or mart_rows.row_count <> 1
