-- Every stock push attempt per channel SKU (append-only). The latest row per SKU decides whether it is
-- pushed again: a failed push is retried on the next run.
-- key: push_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists inventory.stock_push_log (
    push_id        varchar not null,
    run_id         varchar,
    channel        varchar not null,
    channel_sku    varchar not null,
    sku_id         varchar not null,
    quantity       integer not null,     -- what OrderHub wanted the channel to list
    previous_qty   integer,              -- what the channel listed before
    is_dry_run     boolean not null,
    ok             boolean,              -- null for dry runs (nothing sent)
    error          varchar,
    pushed_at      timestamptz not null
);
