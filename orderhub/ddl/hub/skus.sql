-- Product master from the ERP (the seller's system of record for items).
-- key: sku_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.skus (
    sku_id          varchar not null,
    title           varchar not null,
    category        varchar not null,
    price_fen       bigint not null,
    pack_size       integer not null,
    min_order_qty   integer not null,
    lead_time_days  integer not null,
    supplier_id     varchar,
    updated_at      timestamptz
);
