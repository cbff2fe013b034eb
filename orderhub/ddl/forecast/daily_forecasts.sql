-- Every daily forecast kept for learning from its errors: per origin (the last day of data the forecast saw),
-- SKU and day ahead. 'production' rows are the daily run's own forecasts (the newest origin is what purchasing
-- plans with); 'backtest' rows re-forecast past origins from the data up to them only. The safety stock
-- compares both with what then sold over each SKU's lead time + review period.
-- key: source, origin_date, sku_id, horizon (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.daily_forecasts (
    origin_date   date not null,         -- last day of sales history the forecast saw
    sku_id        varchar not null,
    horizon       integer not null,      -- days after origin_date, 1 .. lead time + review period + slack
    target_date   date not null,
    units         double not null,       -- expected units sold on target_date
    method        varchar not null,      -- 'model' | 'new_sku_rate'
    source        varchar not null,      -- 'production' | 'backtest'
    model_cutoff  date not null,         -- last day the model that made it was trained on
    calibration   double not null,       -- factor applied to the model's units (actual / forecast of the last
                                         -- weeks): units / calibration = the model's own forecast
    created_at    timestamptz not null
);
