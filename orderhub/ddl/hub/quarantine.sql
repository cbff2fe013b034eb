-- Records that could not be standardized (or referenced unknown entities). Nothing vanishes.
-- key: quarantine_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.quarantine (
    quarantine_id   varchar not null,     -- sha256 of (entity, content_hash, reason)
    entity          varchar not null,     -- 'order' | 'file' | 'ticket' | ...
    source          varchar not null,
    channel         varchar,
    batch_id        varchar,
    content_hash    varchar,              -- orders: raw.channel_orders.content_hash as text
    reason          varchar not null,     -- machine-readable, e.g. 'bad_amount', 'missing_field', 'bad_timestamp'
    message         varchar not null,     -- for humans
    record          json,                 -- raw payload (PII is only ever here and in raw.*)
    quarantined_at  timestamptz not null
);
alter table hub.quarantine add column if not exists resolved_at timestamptz;  -- when a replay stored the record, or
        -- quarantined it for another reason (null = still open)
alter table hub.quarantine add column if not exists resolved_by varchar;  -- the ops.quarantine_moves move_id
