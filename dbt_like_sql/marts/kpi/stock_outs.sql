-- SKUs with nothing sellable in a warehouse right now, and how many paid units are waiting for them.
with

availability as (

    select * from stg.stg_inventory_availability

),

skus as (

    select * from stg.stg_skus

),

order_lines as (

    select * from stg.stg_order_lines

),

orders as (

    select * from stg.stg_orders

),

units_waiting as (

    select
        order_lines.sku_id,
        sum(order_lines.quantity)::bigint as units_waiting,
        count(distinct order_lines.order_id) as orders_waiting

    from order_lines
    inner join orders on orders.order_id = order_lines.order_id
    where orders.status = 'paid' and order_lines.sku_id is not null
    group by order_lines.sku_id

),

sku_totals as (

    select
        sku_id,
        sum(available)::bigint as available_all_warehouses

    from availability
    group by sku_id

),

final as (

    select
        availability.sku_id,
        skus.sku_title,
        skus.category,
        availability.warehouse_id,
        availability.on_hand,
        availability.locked,
        availability.reserved,
        availability.safety_buffer,
        availability.available,
        sku_totals.available_all_warehouses,
        sku_totals.available_all_warehouses <= 0 as is_out_everywhere,
        coalesce(units_waiting.units_waiting, 0) as units_waiting,
        coalesce(units_waiting.orders_waiting, 0) as orders_waiting,
        availability.snapshot_at

    from availability
    left join skus on skus.sku_id = availability.sku_id
    left join sku_totals on sku_totals.sku_id = availability.sku_id
    left join units_waiting on units_waiting.sku_id = availability.sku_id
    where availability.is_stock_out

)

select * from final
order by is_out_everywhere desc, units_waiting desc, sku_id, warehouse_id
