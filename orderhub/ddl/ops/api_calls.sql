-- One row per HTTP attempt to any external system (channels, WMS, logistics, webhooks).
create table if not exists ops.api_calls (
    call_id      varchar primary key,
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
