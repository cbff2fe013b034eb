-- Does the hub agree with the old way? The last 7 reconciled days per channel, shop and source.
with

reconciliation as (

    select * from stg.stg_reconciliation

),

recent as (

    select *
    from reconciliation
    where recon_date > (select max(recon_date) from reconciliation) - 7

),

final as (

    select
        channel,
        shop_id,
        recon_source,
        min(recon_date) as first_day,
        max(recon_date) as last_day,
        count(*) as days_checked,
        count(*) filter (where is_match) as days_matched,
        sum(source_orders)::bigint as source_orders,
        sum(hub_orders)::bigint as hub_orders,
        sum(matched_orders)::bigint as matched_orders,
        sum(missing_in_hub)::bigint as missing_in_hub,
        sum(missing_in_source)::bigint as missing_in_source,
        sum(amount_mismatch)::bigint as amount_mismatch,
        sum(status_mismatch)::bigint as status_mismatch,
        sum(in_flight)::bigint as in_flight,
        bool_and(is_match) as is_all_matched,
        max(checked_at) as checked_at

    from recent
    group by channel, shop_id, recon_source

)

select * from final
order by is_all_matched, channel, shop_id, recon_source
