-- Purchase orders as the ERP lists them (GET /erp/purchase_orders), both those raised from OrderHub's accepted
-- suggestions and those buyers raised in the ERP themselves; replaced in full by every sync. What is still on
-- order = quantity - units received (forecast.goods_receipts).
-- key: po_no (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.supplier_orders (
    po_no              varchar not null,
    source             varchar not null,      -- 'orderhub' (from an accepted suggestion) | 'erp' (raised elsewhere)
    supplier_id        varchar,
    warehouse_id       varchar,
    sku_id             varchar not null,
    quantity           bigint not null,
    ordered_at         timestamptz not null,
    expected_at        timestamptz not null,  -- ordered_at + the agreed lead time
    status             varchar not null,      -- as the ERP reports it: 'open' | 'overdue' | 'received' | ...
    received_quantity  bigint not null,       -- as the ERP reports it (the receipts are the WMS's own record)
    synced_at          timestamptz not null
);
