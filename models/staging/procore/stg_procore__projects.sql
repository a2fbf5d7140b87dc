with

source as (

    select * from {{ source('procore', 'projects') }}

),

renamed as (

    select
        -- ids
        id as project_id,
        company__id as company_id,

        -- strings
        name as project_name,
        display_name as project_display_name,
        project_number,
        stage as project_stage,
        city,
        state_code,
        country_code,
        time_zone,

        -- numerics
        {{ cast_money('total_value') }} as total_value,

        -- booleans
        active as is_active,

        -- dates
        start_date,
        completion_date,

        -- timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at

    from source

)

select * from renamed
