-- One row per paid order: how long each step from payment to shipment took, and whether it broke the SLA.
with

orders as (

    select * from stg.stg_orders

),

tasks as (

    select * from stg.stg_fulfilment_tasks

),

wms_events as (

    select * from stg.stg_wms_events

),

targets as (

    select * from stg.stg_kpi_targets

),

as_of as (

    select coalesce(getvariable('as_of_at')::timestamptz, now()) as as_of_at

),

first_wms_events as (

    -- orders shipped before OrderHub existed have no task row: the WMS first saw them at their first event
    select
        order_id,
        min(occurred_at) as first_event_at,
        min(occurred_at) filter (where event_type = 'pick') as first_pick_at,
        max(occurred_at) filter (where event_type = 'ship') as wms_shipped_at

    from wms_events
    where order_id is not null
    group by order_id

),

joined as (

    select
        orders.order_id,
        orders.channel,
        orders.shop_id,
        orders.order_date,
        orders.status,
        orders.paid_at,
        tasks.task_status,
        tasks.warehouse_id,
        tasks.picked_up_at,
        tasks.allocated_at,
        tasks.waybill_at,
        coalesce(tasks.task_created_at, first_wms_events.first_event_at) as task_created_at,
        case
            when tasks.task_created_at is not null then 'orderhub'
            when first_wms_events.first_event_at is not null then 'wms_history'
        end as task_source,
        first_wms_events.first_pick_at,
        coalesce(orders.shipped_at, tasks.shipped_at, first_wms_events.wms_shipped_at) as shipped_at,
        orders.is_cancelled_or_refunded,
        coalesce(tasks.is_backorder, false) as is_backorder,
        as_of.as_of_at

    from orders
    cross join as_of
    left join tasks on tasks.order_id = orders.order_id
    left join first_wms_events on first_wms_events.order_id = orders.order_id
    where orders.is_paid

),

waiting as (

    select
        *,
        shipped_at is not null as is_shipped,
        task_created_at is null and shipped_at is null and not is_cancelled_or_refunded as is_waiting_for_task,
        -- processing ends when the WMS has the task; for orders still waiting, "so far" ends now
        coalesce(
            task_created_at,
            case when shipped_at is null and not is_cancelled_or_refunded then as_of_at end
        ) as processing_end_at

    from joined

),

timed as (

    select
        waiting.*,
        date_diff('millisecond', paid_at, task_created_at) / 60000.0 as minutes_to_task,
        date_diff('millisecond', paid_at, shipped_at) / 60000.0 as minutes_to_ship,
        case when is_waiting_for_task then date_diff('millisecond', paid_at, as_of_at) / 60000.0 end
            as minutes_waiting_so_far,
        -- time spent in each step before the WMS had the task ("where it waited")
        greatest(0, date_diff('millisecond', paid_at,
            least(coalesce(picked_up_at, processing_end_at), processing_end_at)) / 60000.0)
            as minutes_awaiting_processing,
        coalesce(greatest(0, date_diff('millisecond', picked_up_at,
            least(coalesce(allocated_at, processing_end_at), processing_end_at)) / 60000.0), 0)
            as minutes_backorder,
        coalesce(greatest(0, date_diff('millisecond', allocated_at,
            least(coalesce(waybill_at, processing_end_at), processing_end_at)) / 60000.0), 0)
            as minutes_awaiting_waybill,
        coalesce(greatest(0, date_diff('millisecond', waybill_at, processing_end_at) / 60000.0), 0)
            as minutes_awaiting_wms,
        targets.sla_target_minutes

    from waiting
    cross join targets

),

final as (

    select
        order_id,
        channel,
        shop_id,
        order_date,
        status,
        task_status,
        task_source,
        warehouse_id,
        paid_at,
        picked_up_at,
        allocated_at,
        waybill_at,
        task_created_at,
        first_pick_at,
        shipped_at,
        minutes_to_task,
        minutes_to_ship,
        minutes_waiting_so_far,
        minutes_awaiting_processing,
        minutes_backorder,
        minutes_awaiting_waybill,
        minutes_awaiting_wms,
        is_shipped,
        is_cancelled_or_refunded,
        is_backorder,
        is_waiting_for_task,
        coalesce(coalesce(minutes_to_task, minutes_waiting_so_far) > sla_target_minutes, false) as is_sla_breach,
        as_of_at

    from timed

)

select * from final
