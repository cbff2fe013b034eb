create table if not exists hub.sku_map (
    channel      varchar not null,
    channel_sku  varchar not null,
    sku_id       varchar not null,
    primary key (channel, channel_sku)
);
