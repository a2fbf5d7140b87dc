{#
    Procore lists a change event's line items inside the event (`change_event_line_items`, a
    JSON array in raw): one row per line item here. A line estimates one budget code (cost
    code x cost type) twice, as revenue (the ROM) and as cost, and follows the change as it is
    priced: the prime PCO line, the commitment PCO line and the commitment it goes to.
    Money arrives in two shapes: `rom`, `prime_pco_cost`, `rfq_amount` and the unit cost are
    JSON numbers, the other amounts Procore's money strings; both are read as text and cast
    to decimal(18, 2), never through a float.
#}
{%- set raw_columns = source_column_names(source('procore', 'change_events')) -%}

with

source as (

    select * from {{ procore_source('change_events') }}

),

unnested as (

    {{ unnest_json_array(
        'source',
        'change_event_line_items',
        [
            'id as change_event_id',
            '_procore_project_id as project_id',
            column_or_null(raw_columns, 'deleted_at', dbt.type_timestamp())
                ~ ' as change_event_deleted_at',
        ],
    ) }}

),

renamed as (

    select
        -- ids
        {{ json_field('element', '$.id', dbt.type_bigint()) }} as change_event_line_item_id,
        cast(change_event_id as {{ dbt.type_bigint() }}) as change_event_id,
        cast(project_id as {{ dbt.type_bigint() }}) as project_id,
        {{ json_field('element', '$.cost_code_id', dbt.type_bigint()) }} as cost_code_id,
        {{ json_field('element', '$.line_item_type_id', dbt.type_bigint()) }} as line_item_type_id,
        {{ json_field('element', '$.budget_code.id', dbt.type_bigint()) }} as wbs_code_id,
        {{ json_field('element', '$.contract.id', dbt.type_bigint()) }} as commitment_id,
        {{ json_field('element', '$.vendor.id', dbt.type_bigint()) }} as vendor_id,
        {{ json_field('element', '$.proposed_contract_id', dbt.type_bigint()) }}
            as proposed_commitment_id,
        {{ json_field('element', '$.proposed_vendor_id', dbt.type_bigint()) }}
            as proposed_vendor_id,
        {{ json_field('element', '$.request_for_quote_id', dbt.type_bigint()) }}
            as request_for_quote_id,

        -- strings
        {{ json_field('element', '$.description', dbt.type_string()) }} as description,
        {{ json_field('element', '$.cost_code.full_code', dbt.type_string()) }} as cost_code,
        {{ json_field('element', '$.cost_code.name', dbt.type_string()) }} as cost_code_name,
        {{ json_field('element', '$.line_item_type.name', dbt.type_string()) }} as cost_type,
        {{ json_field('element', '$.line_item_type.code', dbt.type_string()) }} as cost_type_code,
        {{ json_field('element', '$.budget_code.flat_code', dbt.type_string()) }} as budget_code,
        {{ json_field('element', '$.budget_code.description', dbt.type_string()) }}
            as budget_code_description,
        {{ json_field('element', '$.contract.number', dbt.type_string()) }} as commitment_number,
        {{ json_field('element', '$.contract.title', dbt.type_string()) }} as commitment_title,
        {{ json_field('element', '$.vendor.name', dbt.type_string()) }} as vendor_name,
        {{ json_field('element', '$.uom', dbt.type_string()) }} as unit_of_measure,
        {{ json_field('element', '$.currency_configuration.currency_iso_code', dbt.type_string()) }}
            as currency_iso_code,

        -- numerics
        {{ cast_money(json_field('element', '$.rom', dbt.type_string())) }} as revenue_rom,
        {{ cast_money(json_field('element', '$.estimated_cost_amount', dbt.type_string())) }}
            as cost_rom,
        {{ json_field('element', '$.estimated_cost_quantity', dbt.type_numeric()) }}
            as cost_rom_quantity,
        {{ cast_money(json_field('element', '$.estimated_cost_unit_cost', dbt.type_string())) }}
            as cost_rom_unit_cost,
        {{ cast_money(json_field('element', '$.prime_pco_cost', dbt.type_string())) }}
            as prime_pco_amount,
        {{ cast_money(json_field('element', '$.commitment_pco_cost', dbt.type_string())) }}
            as commitment_pco_amount,
        {{ cast_money(json_field('element', '$.commitment_contract_cost', dbt.type_string())) }}
            as commitment_contract_amount,
        {{ cast_money(json_field('element', '$.rfq_amount', dbt.type_string())) }} as rfq_amount,
        {{ cast_money(json_field('element', '$.budget_mod_amount', dbt.type_string())) }}
            as budget_modification_amount,

        -- booleans
        {{ json_field('element', '$.cost_code_is_budgeted', dbt.type_boolean()) }}
            as is_cost_code_budgeted,
        {{ json_field('element', '$.rfq_sent', dbt.type_boolean()) }} as is_rfq_sent,
        change_event_deleted_at is not null as is_deleted

    from unnested

)

select * from renamed
