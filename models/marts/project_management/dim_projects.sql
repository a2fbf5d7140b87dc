with

projects as (

    select * from {{ ref('int_projects_unioned') }}

),

companies as (

    select * from {{ ref('int_companies_unioned') }}

),

joined as (

    select
        projects.project_id,
        projects.company_id,
        companies.company_name,
        projects.project_name,
        projects.project_display_name,
        projects.project_number,
        projects.project_stage,
        projects.is_active,
        projects.city,
        projects.state_code,
        projects.country_code,
        projects.time_zone,
        projects.total_value,
        projects.start_date,
        projects.completion_date,
        projects.created_at,
        projects.updated_at

    from projects
    left join companies
        on projects.company_id = companies.company_id

)

select * from joined
