-- Every observed transition. Illegal transitions are kept, flagged, and not applied to hub.orders.
create table if not exists hub.order_status_history (
    order_id       varchar not null,
    order_date     date not null,
    from_status    varchar,
    to_status      varchar not null,
    changed_at     timestamptz not null,
    source         varchar not null,   -- 'api' | 'erp' | 'file'
    content_hash   varchar,            -- raw record that revealed it
    is_illegal     boolean not null default false
);
