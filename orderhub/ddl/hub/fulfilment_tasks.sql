-- One shipment task per paid order: warehouse allocation, e-waybill, WMS task, shipment, channel write-back.
-- key: task_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.fulfilment_tasks (
    task_id                  varchar not null,     -- 'FT-' || order_id
    order_id                 varchar not null,     -- unique too (one task per order; checked like the key)
    channel                  varchar not null,
    channel_order_id         varchar not null,
    status                   varchar not null,     -- backorder | allocated | waybill_issued | sent_to_wms | shipped | cancelled | wms_rejected
    status_reason            varchar,
    warehouse_id             varchar,              -- null while backordered
    receiver_province        varchar,
    lines                    json,                 -- [{"sku_id", "quantity"}] sent to the WMS
    waybill_idempotency_key  varchar not null,     -- derived from order_id: one waybill per order, ever
    wms_idempotency_key      varchar not null,
    waybill_no               varchar,
    carrier                  varchar,
    wms_task_id              varchar,
    paid_at                  timestamptz not null,
    created_at               timestamptz not null, -- when OrderHub first acted on the paid order (allocated or backordered)
    allocated_at             timestamptz,
    waybill_at               timestamptz,          -- the carrier's creation time of the waybill
    sent_to_wms_at           timestamptz,          -- the WMS's acceptance time of the shipment task
    shipped_at               timestamptz,          -- WMS 'ship' event time
    channel_confirmed_at     timestamptz,          -- tracking number written back to the channel
    attempts                 integer not null default 0,
    last_error               varchar,
    updated_at               timestamptz not null
);
