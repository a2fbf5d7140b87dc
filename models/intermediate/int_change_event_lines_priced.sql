{#
    One row per line item of a live change event, from the sources the build reads
    (union_procore_sources: under `both`, a project's change events come from REST when the
    REST load holds any of them), priced as Procore's change events log (docs/decisions.md,
    "Change orders and exposure"): the latest price is the line's amount on a prime PCO once
    it is on one, else the revenue ROM; the latest cost is the line's amount on a commitment
    PCO once there is one, else the RFQ amount when a quote came back, else the cost ROM;
    over/under is latest price - latest cost. A change event without line items gives one
    row with empty line columns and zero amounts, so it still shows.

    The share names a line's cost code and cost type by id only. The cost code's full code
    comes from its cost codes table, the cost type's name from int_line_item_types_unioned.
    The share does not publish the fixed status a project's change event status maps to:
    Procore's default statuses (open, pending, closed, void) map to themselves, and any
    other falls back to the event's fixed status (open or closed), as a REST event without
    a project status does. Nor does the share publish RFQ amounts on the line: from the
    share, the latest cost goes from the commitment PCO straight to the cost ROM.
#}

{%- set columns = [
    'change_event_id', 'change_event_line_item_id', 'project_id', 'change_event_number',
    'alphanumeric_number', 'title', 'change_event_status', 'change_event_status_name',
    'mapped_status', 'event_scope', 'event_type', 'change_reason', 'cost_code_id',
    'cost_code', 'line_item_type_id', 'cost_type', 'commitment_id', 'vendor_id',
    'revenue_rom', 'cost_rom', 'rfq_amount', 'created_at',
] %}

with

{% if reads_rest() -%}
    rest_change_events as (

        select * from {{ ref('stg_procore__change_events') }}
        where not is_deleted

    ),

    rest_change_event_lines as (

        select * from {{ ref('stg_procore__change_event_line_items') }}

    ),

    rest_event_lines as (

        select
            rest_change_events.change_event_id,
            rest_change_event_lines.change_event_line_item_id,
            rest_change_events.project_id,
            rest_change_events.change_event_number,
            rest_change_events.alphanumeric_number,
            rest_change_events.title,
            rest_change_events.change_event_status,
            rest_change_events.change_event_status_name,
            rest_change_events.mapped_status,
            rest_change_events.event_scope,
            rest_change_events.event_type,
            rest_change_events.change_reason,
            rest_change_event_lines.cost_code_id,
            rest_change_event_lines.cost_code,
            rest_change_event_lines.line_item_type_id,
            rest_change_event_lines.cost_type,
            rest_change_event_lines.commitment_id,
            rest_change_event_lines.vendor_id,
            rest_change_event_lines.revenue_rom,
            rest_change_event_lines.cost_rom,
            rest_change_event_lines.rfq_amount,
            rest_change_events.created_at
        from rest_change_events
        left join rest_change_event_lines
            on rest_change_events.change_event_id = rest_change_event_lines.change_event_id

    ),
{%- endif %}

{% if reads_analytics() -%}
    shared_change_events as (

        select * from {{ ref('stg_procore_analytics__change_events') }}

    ),

    shared_change_event_lines as (

        select * from {{ ref('stg_procore_analytics__change_event_line_items') }}

    ),

    shared_cost_codes as (

        select * from {{ ref('stg_procore_analytics__cost_codes') }}

    ),

    cost_types as (

        select * from {{ ref('int_line_item_types_unioned') }}

    ),

    analytics_event_lines as (

        select
            shared_change_events.change_event_id,
            shared_change_event_lines.change_event_line_item_id,
            shared_change_events.project_id,
            shared_change_events.change_event_number,
            shared_change_events.alphanumeric_number,
            shared_change_events.title,
            shared_change_events.change_event_status,
            shared_change_events.change_event_status_name,
            -- Unpublished mapping: a default status is its own; others fall back downstream.
            case
                when
                    shared_change_events.change_event_status_name
                    in ('open', 'pending', 'closed', 'void')
                    then shared_change_events.change_event_status_name
            end as mapped_status,
            shared_change_events.event_scope,
            shared_change_events.event_type,
            shared_change_events.change_reason,
            shared_change_event_lines.cost_code_id,
            shared_cost_codes.cost_code,
            shared_change_event_lines.line_item_type_id,
            cost_types.cost_type,
            shared_change_event_lines.commitment_id,
            shared_change_event_lines.vendor_id,
            shared_change_event_lines.revenue_rom,
            shared_change_event_lines.cost_rom,
            {{ cast_money('null') }} as rfq_amount,
            shared_change_events.created_at
        from shared_change_events
        left join shared_change_event_lines
            on shared_change_events.change_event_id = shared_change_event_lines.change_event_id
        left join shared_cost_codes
            on shared_change_event_lines.cost_code_id = shared_cost_codes.cost_code_id
        left join cost_types
            on
                shared_change_event_lines.company_id = cost_types.company_id
                and shared_change_event_lines.line_item_type_id = cost_types.line_item_type_id

    ),
{%- endif %}

event_lines as (

    {{ union_procore_sources('rest_event_lines', 'analytics_event_lines', columns, 'project_id') }}

),

-- The PCO line that prices each change event line, per side. Procore puts a change event
-- line on at most one PCO per side; should two ever price it, the newest line wins.
pco_lines as (

    select
        change_event_line_item_id,
        contract_side,
        potential_change_order_id,
        pco_status,
        status_group,
        amount,
        row_number() over (
            partition by change_event_line_item_id, contract_side
            order by potential_change_order_line_item_id desc
        ) as line_rank
    from {{ ref('int_potential_change_order_lines_sided') }}
    where change_event_line_item_id is not null

),

prime_pco_lines as (

    select * from pco_lines
    where contract_side = 'prime' and line_rank = 1

),

commitment_pco_lines as (

    select * from pco_lines
    where contract_side = 'commitment' and line_rank = 1

),

joined as (

    select
        event_lines.change_event_id,
        event_lines.change_event_line_item_id,
        event_lines.project_id,
        event_lines.change_event_number,
        event_lines.alphanumeric_number,
        event_lines.title,
        event_lines.change_event_status,
        event_lines.change_event_status_name,
        event_lines.mapped_status,
        event_lines.event_scope,
        event_lines.event_type,
        event_lines.change_reason,
        event_lines.cost_code_id,
        event_lines.cost_code,
        event_lines.line_item_type_id,
        event_lines.cost_type,
        event_lines.commitment_id,
        event_lines.vendor_id,
        event_lines.revenue_rom,
        event_lines.cost_rom,
        event_lines.rfq_amount,
        prime_pco_lines.potential_change_order_id as prime_potential_change_order_id,
        prime_pco_lines.pco_status as prime_pco_status,
        prime_pco_lines.status_group as prime_pco_status_group,
        prime_pco_lines.amount as prime_pco_amount,
        commitment_pco_lines.potential_change_order_id as commitment_potential_change_order_id,
        commitment_pco_lines.pco_status as commitment_pco_status,
        commitment_pco_lines.status_group as commitment_pco_status_group,
        commitment_pco_lines.amount as commitment_pco_amount,
        event_lines.created_at
    from event_lines
    left join prime_pco_lines
        on event_lines.change_event_line_item_id = prime_pco_lines.change_event_line_item_id
    left join commitment_pco_lines
        on event_lines.change_event_line_item_id = commitment_pco_lines.change_event_line_item_id

),

-- Amounts are 0, not empty, where a line has none (and on an event without lines).
zeroed as (

    select
        *,
        coalesce(change_event_status_name, change_event_status) as status_name,
        coalesce(mapped_status, change_event_status) as fixed_status,
        coalesce(revenue_rom, 0) as revenue_rom_amount,
        coalesce(cost_rom, 0) as cost_rom_amount,
        coalesce(rfq_amount, 0) as rfq_returned_amount
    from joined

),

priced as (

    select
        *,
        prime_potential_change_order_id is not null as is_on_prime_pco,
        commitment_potential_change_order_id is not null as is_on_commitment_pco,
        -- Latest price: the prime PCO line once the line is on one, else the revenue ROM.
        case
            when prime_potential_change_order_id is not null
                then coalesce(prime_pco_amount, 0)
            else revenue_rom_amount
        end as latest_price,
        -- Latest cost: the commitment PCO line, else a returned quote, else the cost ROM.
        case
            when commitment_potential_change_order_id is not null
                then coalesce(commitment_pco_amount, 0)
            when rfq_returned_amount != 0 then rfq_returned_amount
            else cost_rom_amount
        end as latest_cost
    from zeroed

),

margined as (

    select
        *,
        latest_price - latest_cost as over_under
    from priced

),

final as (

    select
        change_event_id,
        change_event_line_item_id,
        project_id,
        change_event_number,
        alphanumeric_number,
        title,
        status_name as change_event_status,
        fixed_status as mapped_status,
        event_scope,
        event_type,
        change_reason,
        cost_code_id,
        cost_code,
        line_item_type_id,
        cost_type,
        commitment_id,
        vendor_id,
        revenue_rom_amount as revenue_rom,
        cost_rom_amount as cost_rom,
        rfq_returned_amount as rfq_amount,
        latest_price,
        latest_cost,
        over_under,
        is_on_prime_pco,
        prime_potential_change_order_id,
        prime_pco_status,
        prime_pco_status_group,
        prime_pco_amount,
        is_on_commitment_pco,
        commitment_potential_change_order_id,
        commitment_pco_status,
        commitment_pco_status_group,
        commitment_pco_amount,
        created_at
    from margined

)

select * from final
