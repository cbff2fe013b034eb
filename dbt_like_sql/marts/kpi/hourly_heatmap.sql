-- Weekday × hour of payment (Beijing time) over the last 28 days: where processing is slow, to plan staffing.
with

timings as (

    select * from kpi.order_timings

),

as_of as (

    select coalesce(getvariable('as_of_at')::timestamptz, now()) as as_of_at

),

grid as (

    select
        weekdays.weekday,
        hours.hour_of_day

    from range(1, 8) as weekdays(weekday)
    cross join range(0, 24) as hours(hour_of_day)

),

recent as (

    select
        isodow(timings.paid_at at time zone 'Asia/Shanghai') as weekday,
        hour(timings.paid_at at time zone 'Asia/Shanghai') as hour_of_day,
        coalesce(timings.minutes_to_task, timings.minutes_waiting_so_far) as delay_minutes,
        timings.is_sla_breach

    from timings
    cross join as_of
    where timings.paid_at > as_of.as_of_at - interval 28 day
        and timings.paid_at <= as_of.as_of_at

),

cells as (

    select
        weekday,
        hour_of_day,
        count(*) as paid_orders,
        avg(delay_minutes) as avg_minutes_to_task,
        quantile_cont(delay_minutes, 0.9) as p90_minutes_to_task,
        count(*) filter (where is_sla_breach) as sla_breaches

    from recent
    group by weekday, hour_of_day

),

final as (

    select
        grid.weekday::integer as weekday,
        ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][grid.weekday] as weekday_name,
        grid.hour_of_day::integer as hour_of_day,
        coalesce(cells.paid_orders, 0) as paid_orders,
        cells.avg_minutes_to_task,
        cells.p90_minutes_to_task,
        coalesce(cells.sla_breaches, 0) as sla_breaches

    from grid
    left join cells
        on cells.weekday = grid.weekday and cells.hour_of_day = grid.hour_of_day

)

select * from final
order by weekday, hour_of_day
