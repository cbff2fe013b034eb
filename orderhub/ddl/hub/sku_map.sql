-- key: channel, channel_sku (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.sku_map (
    channel      varchar not null,
    channel_sku  varchar not null,
    sku_id       varchar not null
);
