-- key: channel, channel_sku (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists hub.sku_map (
    channel      varchar not null,
    channel_sku  varchar not null,
    sku_id       varchar not null
);
alter table hub.sku_map add column if not exists source varchar default 'erp';  -- erp (the ERP's channel SKU table)
        -- | alias_file (the seller's sku_aliases.csv next to the mappings, which wins where both map a code)
