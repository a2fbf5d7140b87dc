with

source as (

    select * from {{ source('procore', 'rfis') }}

),

renamed as (

    select
        -- ids
        id as rfi_id,
        _procore_project_id as project_id,
        location__id as location_id,
        cost_code__id as cost_code_id,
        responsible_contractor__id as responsible_contractor_id,
        assignee__id as assignee_id,
        ball_in_court__id as ball_in_court_id,
        rfi_manager__id as rfi_manager_id,
        received_from__id as received_from_id,
        created_by__id as created_by_id,

        -- strings
        number as rfi_number,
        full_number as rfi_full_number,
        subject,
        lower(status) as rfi_status,
        location__name as location_name,
        cost_code__name as cost_code_name,
        responsible_contractor__name as responsible_contractor_name,
        assignee__name as assignee_name,
        ball_in_court__name as ball_in_court_name,
        rfi_manager__name as rfi_manager_name,
        received_from__name as received_from_name,
        cost_impact__status as cost_impact_status,
        schedule_impact__status as schedule_impact_status,

        -- numerics
        {{ cast_money('cost_impact__value') }} as cost_impact_amount,
        cast(schedule_impact__value as {{ dbt.type_int() }}) as schedule_impact_days,

        -- booleans
        deleted_at is not null as is_deleted,

        -- dates
        due_date,

        -- timestamps
        cast(initiated_at as {{ dbt.type_timestamp() }}) as initiated_at,
        cast(time_resolved as {{ dbt.type_timestamp() }}) as closed_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at

    from source

)

select * from renamed
