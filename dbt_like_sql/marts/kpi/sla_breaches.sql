-- The orders that broke the 30-minute target, and the step where the time went.
with

timings as (

    select * from kpi.order_timings

),

targets as (

    select * from stg.stg_kpi_targets

),

breaches as (

    select
        *,
        greatest(minutes_awaiting_processing, minutes_backorder, minutes_awaiting_waybill, minutes_awaiting_wms)
            as waited_stage_minutes

    from timings
    where is_sla_breach

),

final as (

    select
        breaches.order_id,
        breaches.channel,
        breaches.shop_id,
        breaches.order_date,
        breaches.warehouse_id,
        breaches.paid_at,
        breaches.task_created_at,
        breaches.task_source,
        coalesce(breaches.minutes_to_task, breaches.minutes_waiting_so_far) as minutes_to_task,
        coalesce(breaches.minutes_to_task, breaches.minutes_waiting_so_far) - targets.sla_target_minutes
            as minutes_over_target,
        breaches.is_waiting_for_task as is_still_waiting,
        case
            when breaches.task_source = 'wms_history' then 'manual_before_orderhub'
            when breaches.waited_stage_minutes = breaches.minutes_awaiting_processing then 'awaiting_processing'
            when breaches.waited_stage_minutes = breaches.minutes_backorder then 'backorder'
            when breaches.waited_stage_minutes = breaches.minutes_awaiting_waybill then 'awaiting_waybill'
            else 'awaiting_wms'
        end as waited_stage,
        breaches.waited_stage_minutes,
        breaches.minutes_awaiting_processing,
        breaches.minutes_backorder,
        breaches.minutes_awaiting_waybill,
        breaches.minutes_awaiting_wms

    from breaches
    cross join targets

)

select * from final
order by paid_at
