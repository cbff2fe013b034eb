-- Dual-run reconciliation, one row per (day, channel, source): does the hub agree with the old way?
-- Rebuilt for every day the run covers. Differences are listed order by order in ops.reconciliation_diffs.
-- key: recon_date, channel, shop_id, source (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.reconciliation (
    recon_date          date not null,         -- business day (Asia/Shanghai) the order was created
    channel             varchar not null,      -- hub channel ('erp', 'taobao', ...)
    shop_id             varchar not null,
    source              varchar not null,      -- independent source: 'erp_db' (so_header/so_line) | 'export_file'
    source_orders       bigint not null,
    hub_orders          bigint not null,
    matched_orders      bigint not null,       -- in both, same paid amount and status
    missing_in_hub      bigint not null,
    missing_in_source   bigint not null,
    amount_mismatch     bigint not null,
    status_mismatch     bigint not null,
    in_flight           bigint not null,       -- differences explained by a source change newer than the hub's last ingest
    source_paid_fen     bigint not null,
    hub_paid_fen        bigint not null,
    is_match            boolean not null,      -- no difference except in-flight ones
    checked_at          timestamptz not null
);
