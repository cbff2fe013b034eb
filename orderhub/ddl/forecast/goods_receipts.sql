-- Goods received in the warehouses (GET /wms/receipts), read incrementally by receipt_id; append-only.
-- key: receipt_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.goods_receipts (
    receipt_id   bigint not null,
    po_no        varchar not null,        -- the purchase order delivered (forecast.supplier_orders)
    warehouse_id varchar,
    sku_id       varchar not null,
    quantity     bigint not null,
    received_at  timestamptz not null,
    landed_at    timestamptz not null
);
