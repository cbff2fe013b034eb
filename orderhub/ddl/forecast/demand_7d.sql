-- The latest 7-day forecast: one row per SKU and target day. total_7d* repeat the SKU's 7-day total and
-- its bounds on each of its 7 rows (bounds of a sum are not sums of daily bounds).
-- key: sku_id, target_date (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.demand_7d (
    as_of_date      date not null,      -- last day of history used
    sku_id          varchar not null,
    target_date     date not null,
    horizon         integer not null,   -- 1..7 days after as_of_date
    units           double not null,
    units_lower     double not null,    -- central interval (config `interval`, default 80%)
    units_upper     double not null,
    total_7d        double not null,
    total_7d_lower  double not null,
    total_7d_upper  double not null,
    method          varchar not null,   -- 'model' | 'new_sku_rate'
    created_at      timestamptz not null
);
