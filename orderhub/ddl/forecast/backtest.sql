-- Rolling-origin backtest of the latest run: 7-day totals per SKU, per origin and method.
-- key: origin_date, method (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.backtest (
    origin_date   date not null,
    method        varchar not null,    -- 'model' | 'seasonal_naive' | 'ma28'
    wape          double not null,
    mase          double not null,
    actual_units  double not null,
    abs_error     double not null,
    n_skus        integer not null,
    seconds       double not null,
    run_at        timestamptz not null
);
alter table forecast.backtest add column if not exists bias double;  -- forecast units / actual units - 1
alter table forecast.backtest add column if not exists forecast_units double;
