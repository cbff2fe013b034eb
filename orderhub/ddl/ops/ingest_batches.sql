-- Accounting per landed batch: received = stored + deduplicated + quarantined, always.
-- key: batch_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.ingest_batches (
    batch_id      varchar not null,
    source        varchar not null,
    channel       varchar not null,
    shop_id       varchar,
    window_start  timestamptz,
    window_end    timestamptz,
    received      integer not null,
    stored        integer not null,
    deduplicated  integer not null,
    quarantined   integer not null,
    started_at    timestamptz not null,
    finished_at   timestamptz not null,
    run_id        varchar
);
