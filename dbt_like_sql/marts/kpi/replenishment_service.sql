-- Beside the forecast's accuracy, what it buys: the closed-loop fill rate and days of inventory of
-- OrderHub's policy and of the baselines, per lead time (latest loop run, latest backtest).
with

loop_run as (

    select * from stg.stg_replenishment_loop

),

accuracy as (

    select
        sum(abs_error) filter (where method = 'model') / nullif(sum(actual_units) filter (where method = 'model'), 0)
            as model_wape,
        sum(abs_error) filter (where method = 'seasonal_naive')
            / nullif(sum(actual_units) filter (where method = 'seasonal_naive'), 0) as seasonal_naive_wape,
        sum(forecast_units) filter (where method = 'model')
            / nullif(sum(actual_units) filter (where method = 'model'), 0) - 1 as model_bias
    from forecast.backtest

),

final as (

    select
        loop_run.lead_time_days,
        loop_run.policy,
        loop_run.service_level,
        loop_run.fill_rate,
        loop_run.inventory_days,
        loop_run.stockout_sku_days,
        loop_run.orders,
        loop_run.units_bought,
        accuracy.model_wape,
        accuracy.seasonal_naive_wape,
        accuracy.model_bias,
        loop_run.first_day,
        loop_run.last_day,
        loop_run.run_at
    from loop_run
    cross join accuracy

)

select * from final
order by lead_time_days, policy
