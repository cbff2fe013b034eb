-- Incremental cursors; advanced in the same transaction that lands the window's data.
-- key: cursor_name (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.cursors (
    cursor_name  varchar not null,     -- e.g. 'api:taobao:shop-tb-01'
    value        varchar not null,     -- ISO-8601 UTC watermark or an opaque token
    updated_at   timestamptz not null
);
