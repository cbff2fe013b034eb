-- Where a channel's listed stock disagrees with OrderHub's availability (rebuilt each run).
-- key: channel, channel_sku (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.stock_conflicts (
    channel          varchar not null,
    channel_sku      varchar not null,
    sku_id           varchar,
    listed_qty       integer not null,
    available_qty    integer,            -- sum over warehouses of max(available, 0); null when unmapped
    difference       integer,            -- listed_qty - available_qty
    conflict_type    varchar not null,   -- 'listed_but_sold_out' | 'sold_out_but_available' | 'quantity_mismatch' | 'unmapped_listing'
    tolerance        integer not null,   -- units tolerated here: max(configured units, configured % of available)
    detected_at      timestamptz not null
);
