{#
    One row per calendar day, for joining any date of any mart to weeks, months and
    quarters. From 2000-01-01 (the loader's earliest default start date) to five years after
    `as_of_date`, so schedules and due dates in the future have their days too.
#}

with

spine as (

    {{ dbt.date_spine(
        'day',
        "cast('2000-01-01' as date)",
        dbt.dateadd('year', 5, as_of_date()),
    ) }}

),

days as (

    select cast(date_day as date) as date_day
    from spine

),

parts as (

    select
        date_day,
        extract(year from date_day) as calendar_year,
        extract(quarter from date_day) as calendar_quarter,
        extract(month from date_day) as calendar_month,
        extract(week from date_day) as iso_week,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week

    from days

),

final as (

    select
        date_day,
        cast(calendar_year as {{ dbt.type_int() }}) as calendar_year,
        cast(calendar_quarter as {{ dbt.type_int() }}) as calendar_quarter,
        cast(calendar_month as {{ dbt.type_int() }}) as calendar_month,
        case calendar_month
            when 1 then 'January'
            when 2 then 'February'
            when 3 then 'March'
            when 4 then 'April'
            when 5 then 'May'
            when 6 then 'June'
            when 7 then 'July'
            when 8 then 'August'
            when 9 then 'September'
            when 10 then 'October'
            when 11 then 'November'
            when 12 then 'December'
        end as month_name,
        cast(iso_week as {{ dbt.type_int() }}) as week_of_year,
        cast(iso_day_of_week as {{ dbt.type_int() }}) as day_of_week,
        iso_day_of_week >= 6 as is_weekend,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        {{ dbt.concat([
            dbt.cast('calendar_year', dbt.type_string()),
            "'-'",
            "lpad(" ~ dbt.cast('calendar_month', dbt.type_string()) ~ ", 2, '0')",
        ]) }} as calendar_year_month

    from parts

)

select * from final
