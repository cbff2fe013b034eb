-- Accounting per landed batch: received = stored + deduplicated + quarantined, always.
create table if not exists ops.ingest_batches (
    batch_id      varchar primary key,
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
