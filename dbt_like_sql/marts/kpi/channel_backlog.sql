-- What is waiting right now, per channel and step, and since when.
with

timings as (

    select * from kpi.order_timings

),

waiting as (

    select
        channel,
        paid_at,
        as_of_at,
        case
            when task_status = 'wms_rejected' then 'wms_rejected'
            when task_created_at is null and is_backorder then 'backorder'
            when task_created_at is null and picked_up_at is null then 'awaiting_processing'
            when task_created_at is null and waybill_at is null then 'awaiting_waybill'
            when task_created_at is null then 'awaiting_wms'
            when first_pick_at is null then 'awaiting_pick'
            else 'in_warehouse'
        end as backlog_state

    from timings
    where not is_shipped and not is_cancelled_or_refunded

),

final as (

    select
        channel,
        backlog_state,
        count(*) as orders_waiting,
        min(paid_at) as oldest_paid_at,
        max(date_diff('millisecond', paid_at, as_of_at)) / 60000.0 as oldest_wait_minutes,
        avg(date_diff('millisecond', paid_at, as_of_at)) / 60000.0 as avg_wait_minutes,
        max(as_of_at) as as_of_at

    from waiting
    group by channel, backlog_state

)

select * from final
order by channel, backlog_state
