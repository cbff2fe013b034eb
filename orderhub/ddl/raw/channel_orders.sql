-- Append-only landing log: every distinct record exactly as received. The hub is rebuilt from here.
-- Records the mapping cannot standardize are kept too (quarantine_reason set, and a row in hub.quarantine):
-- raw stays the complete log, and for every batch received = stored + deduplicated + quarantined where
-- stored counts the new standardizable rows and quarantined the new flagged ones.
create table if not exists raw.channel_orders (
    content_hash      uhugeint not null,    -- md5 of the canonical record JSON as a 128-bit integer (md5_number):
                                            -- a record received twice is stored once; fixed-width, cheap to join
                                            -- (the landing anti-joins on it; one writer at a time: no ART index to maintain)
    source            varchar not null,     -- 'api' | 'erp' | 'file'
    channel           varchar not null,     -- 'taobao' | 'douyin' | 'pdd' | 'jd' | 'erp'
    shop_id           varchar not null,
    mapping           varchar not null,     -- name of the mapping file that translates this record (e.g. 'taobao_api')
    batch_id          varchar not null,
    received_at       timestamptz not null,
    channel_order_id  varchar,              -- extracted at landing by the mapping (null if unreadable)
    source_updated_at timestamptz,          -- the platform's modified time, UTC
    order_date        date,                 -- business day (Asia/Shanghai) the order was created: hub partition key
    record            json not null using compression zstd,  -- long JSON text: zstd writes it ~2.4x cheaper than
                                            -- the default dictionary/FSST analysis and stores it ~4x smaller
    quarantine_reason varchar               -- null = standardizable; else the hub.quarantine reason
);
