-- Stock each channel currently lists per channel SKU (as read back from the channel's stock API).
-- key: channel, channel_sku (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.channel_listings (
    channel      varchar not null,
    channel_sku  varchar not null,
    sku_id       varchar,               -- via hub.sku_map; null = listing OrderHub cannot map
    listed_qty   integer not null,
    listed_at    timestamptz not null
);
