with

source as (

    select * from {{ source('procore', 'companies') }}

),

renamed as (

    select
        -- ids
        id as company_id,

        -- strings
        name as company_name,

        -- booleans
        is_active

    from source

)

select * from renamed
