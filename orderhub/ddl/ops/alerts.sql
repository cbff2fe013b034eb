-- key: alert_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.alerts (
    alert_id         varchar not null,
    dedupe_key       varchar not null,   -- same open problem => same key => not re-sent
    kind             varchar not null,   -- 'check_failed' | 'run_failed' | 'freshness' | 'stock_out' | 'replenishment' | 'recovered' | ...
    severity         varchar not null,   -- 'info' | 'warning' | 'error'
    asset            varchar,
    message          varchar not null,
    created_at       timestamptz not null,
    resolved_at      timestamptz,
    delivery_status  varchar not null,   -- 'pending' | 'sent' | 'failed' | 'not_configured' | 'suppressed'
    delivery_attempts integer not null default 0,
    last_error       varchar
);
-- Added by the notifier: delivery bookkeeping. `alter ... if not exists` upgrades existing warehouses too.
alter table ops.alerts add column if not exists last_attempt_at timestamptz;
alter table ops.alerts add column if not exists delivered_at timestamptz;
alter table ops.alerts add column if not exists delivery_channel varchar;  -- 'dingtalk' | 'wecom' | 'slack' | 'log'
