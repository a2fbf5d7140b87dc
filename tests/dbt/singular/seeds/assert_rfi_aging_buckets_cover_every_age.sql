-- The aging buckets start at day 0, leave no gap and do not overlap, and only the last one
-- is open-ended: otherwise an open RFI could fall in no bucket or in two. Returns the
-- buckets that break the rule.

with

buckets as (

    select
        aging_bucket,
        bucket_order,
        min_days_open,
        max_days_open,
        lag(max_days_open) over (order by bucket_order) as previous_max_days_open,
        row_number() over (order by bucket_order) as position_from_start,
        row_number() over (order by bucket_order desc) as position_from_end

    from {{ ref('rfi_aging_buckets') }}

)

select *
from buckets
where
    (position_from_start = 1 and min_days_open <> 0)
    or (position_from_start > 1 and min_days_open <> previous_max_days_open + 1)
    or (position_from_end > 1 and max_days_open is null)
    or (position_from_end = 1 and max_days_open is not null)
    or max_days_open < min_days_open
