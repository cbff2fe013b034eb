-- Product master from the ERP (the seller's system of record for items).
create table if not exists hub.skus (
    sku_id          varchar primary key,
    title           varchar not null,
    category        varchar not null,
    price_fen       bigint not null,
    pack_size       integer not null,
    min_order_qty   integer not null,
    lead_time_days  integer not null,
    supplier_id     varchar,
    updated_at      timestamptz
);
