with

source as (

    select * from ops.reconciliation

),

renamed as (

    select
        recon_date,
        channel,
        shop_id,
        source as recon_source,
        source_orders,
        hub_orders,
        matched_orders,
        missing_in_hub,
        missing_in_source,
        amount_mismatch,
        status_mismatch,
        in_flight,
        is_match,
        checked_at

    from source

)

select * from renamed
