{#
    The RFIs of the sources the build reads, in the REST staging shape
    (union_procore_sources: under `both`, a project's RFIs come from REST when the REST load
    holds any of them).

    The share names people, vendors and cost codes by id only; their names come from the
    share's directory and cost code tables, as Procore's RFI payload carries them. The share
    lists everyone an RFI's ball is in court with (`rfis_bic`); the REST payload names one
    person, so the RFI's assignee is taken when they hold it, else the lowest user id.
#}

{%- set columns = [
    'rfi_id', 'project_id', 'location_id', 'cost_code_id', 'responsible_contractor_id',
    'assignee_id', 'ball_in_court_id', 'rfi_manager_id', 'received_from_id', 'created_by_id',
    'rfi_number', 'rfi_full_number', 'subject', 'rfi_status', 'location_name',
    'cost_code_name', 'responsible_contractor_name', 'assignee_name', 'ball_in_court_name',
    'rfi_manager_name', 'received_from_name', 'cost_impact_status', 'schedule_impact_status',
    'cost_impact_amount', 'schedule_impact_days', 'is_deleted', 'due_date', 'initiated_at',
    'closed_at', 'created_at', 'updated_at', 'deleted_at',
] %}

with

{% if reads_rest() -%}
    rest_rfis as (

        select * from {{ ref('stg_procore__rfis') }}

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_rfis as (

        select * from {{ ref('stg_procore_analytics__rfis') }}

    ),

    shared_users as (

        select * from {{ ref('stg_procore_analytics__users') }}

    ),

    shared_vendors as (

        select * from {{ ref('stg_procore_analytics__vendors') }}

    ),

    shared_cost_codes as (

        select * from {{ ref('stg_procore_analytics__cost_codes') }}

    ),

    ball_in_court_ranked as (

        select
            rfis_bic.rfi_id,
            rfis_bic.user_id,
            rfis_bic.user_name,
            row_number() over (
                partition by rfis_bic.rfi_id
                order by
                    case when rfis_bic.user_id = shared_rfis.assignee_id then 0 else 1 end,
                    rfis_bic.user_id
            ) as holder_rank

        from {{ ref('stg_procore_analytics__rfis_bic') }} as rfis_bic
        inner join shared_rfis
            on rfis_bic.rfi_id = shared_rfis.rfi_id

    ),

    analytics_rfis as (

        select
            shared_rfis.rfi_id,
            shared_rfis.project_id,
            shared_rfis.location_id,
            shared_rfis.cost_code_id,
            shared_rfis.responsible_contractor_id,
            shared_rfis.assignee_id,
            ball_in_court.user_id as ball_in_court_id,
            shared_rfis.rfi_manager_id,
            shared_rfis.received_from_id,
            shared_rfis.created_by_id,
            shared_rfis.rfi_number,
            shared_rfis.rfi_full_number,
            shared_rfis.subject,
            shared_rfis.rfi_status,
            shared_rfis.location_name,
            cost_codes.cost_code_name,
            contractors.vendor_name as responsible_contractor_name,
            assignees.user_name as assignee_name,
            ball_in_court.user_name as ball_in_court_name,
            managers.user_name as rfi_manager_name,
            senders.user_name as received_from_name,
            shared_rfis.cost_impact_status,
            shared_rfis.schedule_impact_status,
            shared_rfis.cost_impact_amount,
            shared_rfis.schedule_impact_days,
            shared_rfis.is_deleted,
            shared_rfis.due_date,
            shared_rfis.initiated_at,
            shared_rfis.closed_at,
            shared_rfis.created_at,
            shared_rfis.updated_at,
            shared_rfis.deleted_at

        from shared_rfis
        left join ball_in_court_ranked as ball_in_court
            on
                shared_rfis.rfi_id = ball_in_court.rfi_id
                and ball_in_court.holder_rank = 1
        left join shared_cost_codes as cost_codes
            on shared_rfis.cost_code_id = cost_codes.cost_code_id
        left join shared_vendors as contractors
            on shared_rfis.responsible_contractor_id = contractors.vendor_id
        left join shared_users as assignees
            on shared_rfis.assignee_id = assignees.user_id
        left join shared_users as managers
            on shared_rfis.rfi_manager_id = managers.user_id
        left join shared_users as senders
            on shared_rfis.received_from_id = senders.user_id

    ),
{%- endif %}

unioned as (

    {{ union_procore_sources('rest_rfis', 'analytics_rfis', columns, 'project_id') }}

)

select * from unioned
