-- WMS events as received: receive (task accepted), pick, pack, ship (operator productivity KPI, shipment confirmation).
create table if not exists ops.wms_events (
    event_id      bigint primary key,
    task_id       varchar,
    order_id      varchar,              -- as the WMS knows it (OrderHub's order_id for tasks it sent)
    event_type    varchar not null,     -- 'receive' | 'pick' | 'pack' | 'ship'
    operator_id   varchar,
    warehouse_id  varchar,
    occurred_at   timestamptz not null,
    landed_at     timestamptz not null
);
