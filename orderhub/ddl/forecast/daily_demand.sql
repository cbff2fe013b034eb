-- Units per SKU and business day from paid orders (cancelled/refunded excluded), zero days filled from the
-- SKU's first sale to the as-of day. Rebuilt in full by the forecast.daily_demand asset (unpartitioned).
-- key: sku_id, demand_date (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.daily_demand (
    sku_id          varchar not null,
    demand_date     date not null,      -- order_date (Asia/Shanghai business day)
    units           bigint not null,
    promo_units     bigint not null,    -- units on orders with a promotion_type
    paid_orders     integer not null,
    is_zero_filled  boolean not null,   -- no sale that day: the row was filled in
    built_at        timestamptz not null
);
