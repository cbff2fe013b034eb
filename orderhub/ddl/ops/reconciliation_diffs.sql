-- Every order on which the hub and an independent source disagree, with the reason (see ops.reconciliation).
-- key: recon_date, channel, shop_id, source, order_id, reason (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.reconciliation_diffs (
    recon_date              date not null,
    channel                 varchar not null,
    shop_id                 varchar not null,
    source                  varchar not null,
    order_id                varchar not null,  -- '<channel>:<channel_order_id>'
    reason                  varchar not null,  -- missing_in_hub | missing_in_source | amount_mismatch | status_mismatch
    source_status           varchar,           -- in hub vocabulary
    hub_status              varchar,
    source_paid_fen         bigint,
    hub_paid_fen            bigint,
    source_updated_at       timestamptz,
    hub_source_updated_at   timestamptz,
    is_in_flight            boolean not null,  -- the source changed after the hub's newest ingested version of this channel
    checked_at              timestamptz not null
);
