-- key: order_id, line_no (unique: the window replacement writes each line once and the key_unique check verifies it)
create table if not exists hub.order_lines (
    order_id        varchar not null,
    line_no         integer not null,
    order_date      date not null,     -- copied from the order so the partition can be replaced
    channel_sku     varchar,
    sku_id          varchar,           -- hub SKU via hub.sku_map; null = unmapped (a blocking check)
    quantity        integer not null,
    unit_price_fen  bigint not null,
    paid_fen        bigint not null,
    status          varchar not null
    -- (order_id, line_no) is unique by construction (line_no = position in the winning version); no ART
    -- primary key, for the same reason as hub.orders
);
