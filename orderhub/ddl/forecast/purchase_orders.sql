-- Suggestions the ERP accepted (OrderHub's record of what it posted). What is on order comes from the ERP's
-- purchase orders and the WMS's goods receipts (forecast.supplier_orders, forecast.goods_receipts); only when
-- that feed is switched off does an accepted row count as on order until its lead time has passed.
-- key: purchase_order_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.purchase_orders (
    purchase_order_id      varchar not null,     -- batch_id || ':' || sku_id
    suggestion_id          varchar not null,
    batch_id               varchar not null,
    sku_id                 varchar not null,
    quantity               bigint not null,
    ordered_on             date not null,
    lead_time_days         integer not null,
    expected_arrival_date  date not null,
    created_at             timestamptz not null
);
