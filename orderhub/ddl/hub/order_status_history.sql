-- Every transition. Observed ones come from the versions OrderHub received; the steps a version skipped
-- (an order first seen already shipped was created and paid before) are inferred from that record's own
-- timestamps and flagged is_inferred. Illegal transitions are kept, flagged, and not applied to hub.orders.
create table if not exists hub.order_status_history (
    order_id       varchar not null,
    order_date     date not null,
    from_status    varchar,
    to_status      varchar not null,
    changed_at     timestamptz not null,
    source         varchar not null,   -- 'api' | 'erp' | 'file'
    content_hash   uuid,               -- raw.channel_orders record that revealed it
    is_illegal     boolean not null default false,
    is_inferred    boolean not null default false
);
-- warehouses created before is_inferred existed
alter table hub.order_status_history add column if not exists is_inferred boolean default false;
