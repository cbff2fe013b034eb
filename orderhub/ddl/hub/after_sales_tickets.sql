-- After-sales tickets from channel refund APIs and the customer-service form, linked to their order.
-- A ticket is 'closed' only once its refund or reshipment is recorded: land_tickets and close_ticket never
-- close one without, and the blocking checks on hub.after_sales_tickets verify it with the valid types and
-- statuses (no CHECK constraints: DuckLake has none).
-- key: ticket_code (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.after_sales_tickets (
    ticket_code             varchar not null,     -- '<channel>:<platform id>' or the CS code 'CS-…'
    source                  varchar not null,     -- 'channel_api' | 'wechat' | 'email'
    channel                 varchar not null,
    order_id                varchar not null,
    channel_order_id        varchar not null,
    ticket_type             varchar not null,     -- wrong_item | wrong_address | damaged | return | refund_only
    status                  varchar not null,     -- open | resolved | closed | withdrawn
    source_status           varchar not null,     -- the platform's own status, for audit
    refund_fen              bigint,
    reason                  varchar,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    refund_recorded_at      timestamptz,
    reshipment_recorded_at  timestamptz,
    reshipment_waybill_no   varchar,
    closed_at               timestamptz,
    ingested_at             timestamptz not null
);
