-- Latest WMS stock per warehouse and SKU (replaced wholesale on each successful pull).
-- key: warehouse_id, sku_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.stock_snapshot (
    warehouse_id  varchar not null,
    sku_id        varchar not null,
    on_hand       integer not null,
    locked        integer not null,      -- held by the WMS itself (damaged, QA): never sellable
    updated_at    timestamptz,           -- the WMS's own last-change time
    snapshot_at   timestamptz not null  -- when OrderHub pulled it
);
