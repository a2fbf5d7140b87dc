{#
    The company's vendors (subcontractors, suppliers, the owner) in the shape every vendor
    consumer shares, whatever the source: the directory attributes analysts slice by.
#}

with

vendors as (

    select * from {{ ref('stg_procore__vendors') }}

),

final as (

    select
        vendor_id,
        company_id,
        parent_vendor_id,
        vendor_name,
        abbreviated_name,
        legal_name,
        trade_name,
        city,
        state_code,
        country_code,
        is_active,
        created_at,
        updated_at
    from vendors

)

select * from final
