-- One row per warehouse table, bumped by every unit of work that replaces or upserts that table on a DuckLake
-- (orderhub/locks.py). DuckLake detects conflicting writers at commit, but two transactions that each delete
-- nothing (an empty window, a first load) and insert the same rows would both commit: bumping the table's row
-- in the same transaction turns that into a conflict, and the loser is run again. Unused on a DuckDB file.
-- key: table_name (unique: seeded once per table at bootstrap, never inserted otherwise)
create table if not exists ops.write_locks (
    table_name  varchar not null,     -- 'schema.table'
    version     bigint not null,      -- how many units of work changed the table through a lock
    updated_at  timestamptz           -- the last one's commit time
);
