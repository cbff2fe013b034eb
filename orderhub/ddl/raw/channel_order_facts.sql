-- The standardized (typed) projection of each standardizable raw.channel_orders record, computed once at
-- landing by its mapping, so that the hub rebuild never parses JSON again. A cache of a pure function of
-- raw: written with raw in the same transaction; a raw row without a fact under the current mapping version
-- (older warehouses, a changed mapping file or compiler) is re-standardized from raw by the next rebuild.
-- Holds the platform buyer id in clear (like raw.*): the hub only ever sees its salted hash.
create table if not exists raw.channel_order_facts (
    content_hash       uuid not null,       -- = raw.channel_orders.content_hash (one fact per raw row)
    mapping_version    varchar not null,   -- md5 of the compiled mapping query that produced this row
    order_id           varchar not null,   -- '<channel>:<channel_order_id>'
    mapping            varchar not null,
    channel            varchar not null,
    shop_id            varchar not null,
    source             varchar not null,
    received_at        timestamptz not null,
    channel_order_id   varchar not null,
    source_updated_at  timestamptz not null,
    created_at         timestamptz not null,
    order_date         date not null,
    paid_at            timestamptz,
    shipped_at         timestamptz,
    completed_at       timestamptz,
    cancelled_at       timestamptz,
    status             varchar not null,
    total_fen          bigint not null,
    discount_fen       bigint not null,
    freight_fen        bigint not null,
    paid_fen           bigint not null,
    buyer_id           varchar,
    promotion_type     varchar,
    receiver_province  varchar,
    receiver_city      varchar,
    line_sku           varchar[] not null,  -- the order lines as parallel lists (line_no = position)
    line_qty           bigint[] not null,
    line_unit_fen      bigint[] not null,
    line_paid_fen      bigint[] not null,
    line_status        varchar[] not null
);
alter table raw.channel_order_facts add column if not exists currency varchar default 'CNY';  -- ISO 4217 code of the
        -- amounts (minor units)
