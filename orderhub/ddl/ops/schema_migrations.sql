-- The in-place upgrades (orderhub/migrate.py) this warehouse has been through: each step checks for the old
-- shape once, then is recorded here, so opening the warehouse never scans a table to find out again.
create table if not exists ops.schema_migrations (
    step        varchar primary key,
    changed     boolean not null,       -- false: the warehouse was already in the new shape
    applied_at  timestamptz not null
);
