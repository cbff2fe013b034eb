-- Sellable stock per SKU and warehouse. available = on_hand - locked - reserved - safety_buffer and is
-- deliberately NOT clipped at zero: a negative value is an oversell (available < 0 <=> is_oversold).
-- key: sku_id, warehouse_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.availability (
    sku_id         varchar not null,
    warehouse_id   varchar not null,
    on_hand        integer not null,
    locked         integer not null,
    reserved       integer not null,
    safety_buffer  integer not null,     -- units withheld: configured buffer capped at the free stock
    available      integer not null,
    is_oversold    boolean not null,     -- reserved > on_hand - locked
    is_stock_out   boolean not null,     -- available <= 0
    snapshot_at    timestamptz not null, -- WMS snapshot the figures come from
    computed_at    timestamptz not null
);
