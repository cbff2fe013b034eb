-- Purchase suggestions per day (history kept): every SKU whose projected position (on hand + on order - reserved
-- - forecast over lead time + review) falls below its safety stock, ordered up to the target. post_status: 'pending' (not yet sent) | 'accepted' (the
-- ERP took it: a purchase order is open) | 'failed' (re-sent by the next run the same day) | 'superseded'
-- (a failed day's need is recomputed by the next day's run).
-- key: suggestion_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.replenishment_suggestions (
    suggestion_id      varchar not null,      -- sha256(suggestion_date, sku_id, created_at)
    suggestion_date    date not null,         -- the business day after the last complete day of data
    sku_id             varchar not null,
    category           varchar not null,
    supplier_id        varchar,
    forecast_7d        double not null,
    forecast_7d_lower  double not null,
    forecast_7d_upper  double not null,
    safety_stock       double not null,
    trigger_level      double not null,       -- surge level: surge factor x safety stock (a flag, not a gate)
    lead_time_days     integer not null,
    review_days        integer not null,
    demand_over_cover  double not null,       -- forecast over lead time + review period
    available          bigint not null,       -- on hand - reserved
    on_order           bigint not null,
    net_need           double not null,       -- target - position, before MOQ and packs
    min_order_qty      integer not null,
    pack_size          integer not null,
    suggested_qty      bigint not null,
    reason             varchar not null,
    post_status        varchar not null,
    batch_id           varchar,
    post_error         varchar,
    posted_at          timestamptz,
    created_at         timestamptz not null
);
alter table forecast.replenishment_suggestions add column if not exists on_hand bigint;  -- sellable units in stock (on hand - locked)
alter table forecast.replenishment_suggestions add column if not exists reserved bigint;  -- units promised to paid orders
alter table forecast.replenishment_suggestions add column if not exists overdue_units bigint;  -- on order past the expected date
alter table forecast.replenishment_suggestions add column if not exists position double;  -- on hand + on order - reserved
alter table forecast.replenishment_suggestions add column if not exists projected double;  -- position - demand over the cover
alter table forecast.replenishment_suggestions add column if not exists target double;  -- order-up-to: demand over cover + safety stock
alter table forecast.replenishment_suggestions add column if not exists days_of_cover double;  -- days sellable stock lasts under the forecast
alter table forecast.replenishment_suggestions add column if not exists stockout_date date;  -- expected stock-out without this order
alter table forecast.replenishment_suggestions add column if not exists surge boolean;  -- next 7 days > surge factor x safety stock
