-- One row per (channel, channel_order_id): the latest version of each order. Partitioned by order_date.
create table if not exists hub.orders (
    order_id           varchar not null,     -- deterministic: '<channel>:<channel_order_id>'; unique by construction
                                            -- (one winner per order) and by the blocking order_id_unique check; no ART
                                            -- primary key: replacing a window re-inserts deleted keys, which a PK makes ~50x slower
    channel            varchar not null,
    shop_id            varchar not null,
    channel_order_id   varchar not null,
    buyer_key          varchar,              -- salted sha256 of the platform buyer id (first 32 hex); never the id itself
    status             varchar not null,     -- pending_payment | paid | shipped | completed | cancelled | refunded
    order_date         date not null,        -- business day (Asia/Shanghai) of created_at
    created_at         timestamptz not null,
    paid_at            timestamptz,
    shipped_at         timestamptz,
    completed_at       timestamptz,
    cancelled_at       timestamptz,
    total_fen          bigint not null,      -- goods total before discount
    discount_fen       bigint not null,
    freight_fen        bigint not null,
    paid_fen           bigint not null,      -- what the buyer paid
    promotion_type     varchar,
    receiver_province  varchar,
    receiver_city      varchar,
    source_updated_at  timestamptz not null,
    ingested_at        timestamptz not null
);
alter table hub.orders add column if not exists currency varchar default 'CNY';  -- ISO 4217 code: every *_fen
        -- amount of the order and its lines is in this currency's minor unit (fen, centavos, pence; yen for JPY)
