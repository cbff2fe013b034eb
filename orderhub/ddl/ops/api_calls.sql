-- One row per HTTP attempt to any external system (channels, WMS, logistics, webhooks).
-- key: call_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.api_calls (
    call_id      varchar not null,
    channel      varchar not null,    -- 'taobao' | ... | 'wms' | 'logistics' | 'notifier'
    endpoint     varchar not null,    -- API method or path
    started_at   timestamptz not null,
    duration_ms  double not null,
    http_status  integer,             -- null when no response (timeout, connection error)
    attempt      integer not null,    -- 1..4 (first try + 3 retries)
    ok           boolean not null,
    error        varchar,
    run_id       varchar
);
