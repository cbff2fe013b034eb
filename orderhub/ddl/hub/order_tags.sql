-- Customer-experience tags per order (rebuilt each run). One row per (order, tag).
-- key: order_id, tag (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.order_tags (
    order_id                varchar not null,
    tag                     varchar not null,  -- 'high_value' | 'repeat_buyer' | 'remote_region'
    detail                  varchar,           -- e.g. threshold, previous order count, province
    expected_delivery_days  integer,           -- remote_region only
    tagged_at               timestamptz not null
);
