-- The in-place upgrades (orderhub/migrate.py) this warehouse has been through: each step checks for the old
-- shape once, then is recorded here, so opening the warehouse never scans a table to find out again.
-- key: step (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists ops.schema_migrations (
    step        varchar not null,
    changed     boolean not null,       -- false: the warehouse was already in the new shape
    applied_at  timestamptz not null
);
