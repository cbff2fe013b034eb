-- Closed-loop replenishment results (forecasts.loop_bench.compare): one row per run, policy and lead time.
-- policy: 'orderhub' | 'rop_ma28' | 'out_ma28' | 'out_snaive', or '<baseline>@matched' = that baseline with
-- its service level raised until it reaches OrderHub's fill rate.
-- key: run_at, lead_time_days, policy (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.replenishment_loop (
    run_at               timestamptz not null,
    first_day            date not null,       -- first scored day
    last_day             date not null,
    lead_time_days       varchar not null,    -- '3', '7' or 'catalogue' (each SKU's own)
    policy               varchar not null,
    service_level        double not null,     -- orderhub: its fill-rate target; a baseline: the service level of its z
    fill_rate            double not null,     -- units served from stock / units demanded
    inventory_days       double not null,     -- mean units on hand / mean daily demand
    avg_inventory_units  double not null,
    stockout_sku_days    bigint not null,
    orders               bigint not null,
    units_bought         bigint not null
);
