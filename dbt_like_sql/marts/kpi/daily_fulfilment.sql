-- The four numbers the business is judged by, per business day and channel ('all' = every channel).
with

orders as (

    select * from stg.stg_orders

),

timings as (

    select * from kpi.order_timings

),

tickets as (

    select * from stg.stg_after_sales_tickets

),

api_calls as (

    select * from stg.stg_api_calls

),

wms_events as (

    select * from stg.stg_wms_events

),

targets as (

    select * from stg.stg_kpi_targets

),

shipping_errors as (

    select
        order_id,
        count(*) as shipping_error_tickets

    from tickets
    where is_shipping_error
    group by order_id

),

order_facts as (

    select
        orders.order_id,
        orders.order_date as order_day,
        orders.channel,
        orders.is_paid,
        timings.is_shipped,
        timings.minutes_to_task,
        timings.minutes_to_ship,
        coalesce(timings.is_sla_breach, false) as is_sla_breach,
        coalesce(shipping_errors.shipping_error_tickets, 0) as shipping_error_tickets

    from orders
    left join timings on timings.order_id = orders.order_id
    left join shipping_errors on shipping_errors.order_id = orders.order_id

),

-- grouping sets give exact 'all' rows: percentiles of a day do not add up from its channels
order_kpis as (

    select
        order_day,
        case when grouping(channel) = 1 then 'all' else channel end as channel,
        count(*) as orders,
        count(*) filter (where is_paid) as paid_orders,
        count(*) filter (where is_shipped) as shipped_orders,
        avg(minutes_to_task) as avg_minutes_to_task,
        quantile_cont(minutes_to_task, 0.5) as p50_minutes_to_task,
        quantile_cont(minutes_to_task, 0.9) as p90_minutes_to_task,
        avg(minutes_to_ship) as avg_minutes_to_ship,
        quantile_cont(minutes_to_ship, 0.5) as p50_minutes_to_ship,
        quantile_cont(minutes_to_ship, 0.9) as p90_minutes_to_ship,
        count(*) filter (where is_sla_breach) as sla_breaches,
        sum(shipping_error_tickets)::bigint as shipping_error_tickets

    from order_facts
    group by grouping sets ((order_day, channel), (order_day))

),

api_kpis as (

    select
        call_day as order_day,
        case when grouping(channel) = 1 then 'all' else channel end as channel,
        count(*) as api_calls,
        count(*) filter (where is_ok) as api_calls_ok

    from api_calls
    group by grouping sets ((call_day, channel), (call_day))

),

operator_days as (

    -- an order picked by one operator and packed by another counts once for each of them
    select
        event_day,
        operator_id,
        count(distinct order_id) as orders_handled

    from wms_events
    where event_type in ('pick', 'pack') and operator_id is not null
    group by event_day, operator_id

),

operator_kpis as (

    select
        event_day as order_day,
        'all' as channel,
        count(*) as active_operators,
        avg(orders_handled) as orders_per_operator

    from operator_days
    group by event_day

),

baseline_period as (

    -- the "old way": configured dates, else the first two weeks of WMS history
    select
        coalesce(getvariable('kpi_baseline_start')::date, min(event_day)) as baseline_start,
        coalesce(getvariable('kpi_baseline_end')::date, min(event_day) + 14) as baseline_end

    from operator_days

),

baseline as (

    select avg(operator_days.orders_handled) as baseline_orders_per_operator

    from operator_days
    cross join baseline_period
    where operator_days.event_day >= baseline_period.baseline_start
        and operator_days.event_day < baseline_period.baseline_end

),

spine as (

    select order_day, channel from order_kpis
    union
    select order_day, 'all' from api_kpis
    union
    select order_day, channel from operator_kpis

),

joined as (

    select
        spine.order_day,
        spine.channel,
        coalesce(order_kpis.orders, 0) as orders,
        coalesce(order_kpis.paid_orders, 0) as paid_orders,
        coalesce(order_kpis.shipped_orders, 0) as shipped_orders,
        order_kpis.avg_minutes_to_task,
        order_kpis.p50_minutes_to_task,
        order_kpis.p90_minutes_to_task,
        order_kpis.avg_minutes_to_ship,
        order_kpis.p50_minutes_to_ship,
        order_kpis.p90_minutes_to_ship,
        targets.sla_target_minutes,
        coalesce(order_kpis.sla_breaches, 0) as sla_breaches,
        coalesce(order_kpis.shipping_error_tickets, 0) as shipping_error_tickets,
        1000.0 * order_kpis.shipping_error_tickets / nullif(order_kpis.shipped_orders, 0)
            as shipping_error_permille,
        targets.shipping_error_target_permille,
        coalesce(api_kpis.api_calls, 0) as api_calls,
        api_kpis.api_calls_ok / nullif(api_kpis.api_calls, 0) as api_success_rate,
        targets.api_success_target,
        operator_kpis.active_operators,
        operator_kpis.orders_per_operator,
        case when spine.channel = 'all' then baseline.baseline_orders_per_operator end
            as baseline_orders_per_operator,
        targets.productivity_change_target

    from spine
    cross join targets
    cross join baseline
    left join order_kpis
        on order_kpis.order_day = spine.order_day and order_kpis.channel = spine.channel
    left join api_kpis
        on api_kpis.order_day = spine.order_day and api_kpis.channel = spine.channel
    left join operator_kpis
        on operator_kpis.order_day = spine.order_day and operator_kpis.channel = spine.channel

),

final as (

    select
        *,
        orders_per_operator / nullif(baseline_orders_per_operator, 0) - 1 as orders_per_operator_change,
        sla_breaches::double / nullif(paid_orders, 0) as sla_breach_rate,
        case when paid_orders > 0 then sla_breaches = 0 end as is_sla_target_met,
        shipping_error_permille <= shipping_error_target_permille as is_shipping_error_target_met,
        api_success_rate >= api_success_target as is_api_target_met,
        orders_per_operator / nullif(baseline_orders_per_operator, 0) - 1 >= productivity_change_target
            as is_productivity_target_met

    from joined

)

select * from final
order by order_day, channel
