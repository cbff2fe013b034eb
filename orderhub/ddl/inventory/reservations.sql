-- Stock promised to paid order lines. One row per paid order line (open and released), rebuilt each run.
-- key: order_id, line_no (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.reservations (
    order_id        varchar not null,
    line_no         integer not null,
    channel         varchar not null,
    sku_id          varchar not null,
    warehouse_id    varchar not null,    -- the fulfilment task's warehouse, else the order's home warehouse
    is_allocated    boolean not null,    -- true when a fulfilment task fixed the warehouse
    quantity        integer not null,
    shipped_qty     integer not null,
    reserved_qty    integer not null,    -- quantity - shipped_qty while open; 0 once released
    status          varchar not null,    -- 'open' | 'released'
    release_reason  varchar,             -- 'shipped' | 'cancelled' | 'refunded' | null while open
    paid_at         timestamptz not null,
    computed_at     timestamptz not null
);
