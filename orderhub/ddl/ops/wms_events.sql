-- WMS events as received: receive (task accepted), pick, pack, ship (operator productivity KPI, shipment confirmation).
-- key: event_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.wms_events (
    event_id      bigint not null,
    task_id       varchar,
    order_id      varchar,              -- as the WMS knows it (OrderHub's order_id for tasks it sent)
    event_type    varchar not null,     -- 'receive' | 'pick' | 'pack' | 'ship'
    operator_id   varchar,
    warehouse_id  varchar,
    occurred_at   timestamptz not null,
    landed_at     timestamptz not null
);
