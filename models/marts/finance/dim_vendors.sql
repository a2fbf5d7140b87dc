{#
    One row per vendor of the company directory, with how much the company has committed to
    it: the number of its live subcontracts and purchase orders, and the revised amount of
    the ones that count as committed (docs/decisions.md, "Status groups").
#}

with

vendors as (

    select * from {{ ref('int_vendors_conformed') }}

),

commitments as (

    select * from {{ ref('int_commitments_unioned') }}

),

commitment_totals as (

    select
        vendor_id,
        count(*) as commitment_count,
        sum(case when is_committed then revised_amount else 0 end) as committed_amount
    from commitments
    group by vendor_id

),

final as (

    select
        cast(vendors.vendor_id as {{ dbt.type_bigint() }}) as vendor_id,
        cast(vendors.company_id as {{ dbt.type_bigint() }}) as company_id,
        cast(vendors.vendor_name as {{ dbt.type_string() }}) as vendor_name,
        cast(vendors.trade_name as {{ dbt.type_string() }}) as trade_name,
        cast(vendors.city as {{ dbt.type_string() }}) as city,
        cast(vendors.state_code as {{ dbt.type_string() }}) as state_code,
        cast(vendors.country_code as {{ dbt.type_string() }}) as country_code,
        cast(vendors.is_active as {{ dbt.type_boolean() }}) as is_active,
        cast(coalesce(commitment_totals.commitment_count, 0) as {{ dbt.type_int() }})
            as commitment_count,
        {{ cast_money('coalesce(commitment_totals.committed_amount, 0)') }} as committed_amount
    from vendors
    left join commitment_totals
        on vendors.vendor_id = commitment_totals.vendor_id

)

select * from final
