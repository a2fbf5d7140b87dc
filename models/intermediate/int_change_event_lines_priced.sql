{#
    One row per line item of a live change event, priced as Procore's change events log
    (docs/decisions.md, "Change orders and exposure"): the latest price is the line's amount
    on a prime PCO once it is on one, else the revenue ROM; the latest cost is the line's
    amount on a commitment PCO once there is one, else the RFQ amount when a quote came
    back, else the cost ROM; over/under is latest price - latest cost. A change event without
    line items gives one row with empty line columns and zero amounts, so it still shows.
#}
with

change_events as (

    select * from {{ ref('stg_procore__change_events') }}
    where not is_deleted

),

change_event_lines as (

    select * from {{ ref('stg_procore__change_event_line_items') }}

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
        change_events.change_event_id,
        change_event_lines.change_event_line_item_id,
        change_events.project_id,
        change_events.change_event_number,
        change_events.alphanumeric_number,
        change_events.title,
        change_events.change_event_status,
        change_events.change_event_status_name,
        change_events.mapped_status,
        change_events.event_scope,
        change_events.event_type,
        change_events.change_reason,
        change_event_lines.cost_code_id,
        change_event_lines.cost_code,
        change_event_lines.line_item_type_id,
        change_event_lines.cost_type,
        change_event_lines.commitment_id,
        change_event_lines.vendor_id,
        change_event_lines.revenue_rom,
        change_event_lines.cost_rom,
        change_event_lines.rfq_amount,
        prime_pco_lines.potential_change_order_id as prime_potential_change_order_id,
        prime_pco_lines.pco_status as prime_pco_status,
        prime_pco_lines.status_group as prime_pco_status_group,
        prime_pco_lines.amount as prime_pco_amount,
        commitment_pco_lines.potential_change_order_id as commitment_potential_change_order_id,
        commitment_pco_lines.pco_status as commitment_pco_status,
        commitment_pco_lines.status_group as commitment_pco_status_group,
        commitment_pco_lines.amount as commitment_pco_amount,
        change_events.created_at
    from change_events
    left join change_event_lines
        on change_events.change_event_id = change_event_lines.change_event_id
    left join prime_pco_lines
        on change_event_lines.change_event_line_item_id = prime_pco_lines.change_event_line_item_id
    left join commitment_pco_lines
        on
            change_event_lines.change_event_line_item_id
            = commitment_pco_lines.change_event_line_item_id

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
