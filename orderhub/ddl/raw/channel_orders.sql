-- Append-only landing log: every distinct record exactly as received. The hub is rebuilt from here.
-- Records the mapping cannot standardize are kept too (quarantine_reason set, and a row in hub.quarantine):
-- raw stays the complete log, and for every batch received = stored + deduplicated + quarantined where
-- stored counts the new standardizable rows and quarantined the new flagged ones.
-- key: content_hash (unique: the landing stores a record it has not seen, and the key_unique check verifies it)
create table if not exists raw.channel_orders (
    content_hash      uuid not null,        -- md5 of the canonical record JSON as 16 bytes (md5(text)::uuid):
                                            -- a record received twice is stored once; fixed-width, cheap to join
                                            -- (the landing anti-joins on it). UUID, not UHUGEINT: Parquet (DuckLake)
                                            -- has no 128-bit integer and would store a lossy DOUBLE
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
