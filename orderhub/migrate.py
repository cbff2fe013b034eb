"""In-place upgrades of warehouses created by earlier OrderHub versions (run by `warehouse.connect`).

`create table if not exists` never changes an existing table, so a change of a column's meaning or type
needs a step here. Each step detects the old shape itself and runs in one transaction with its record in
ops.schema_migrations: a crash leaves the old warehouse, and a recorded step is never looked at again
(opening the warehouse costs one small query, not a scan per step).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import duckdb

from orderhub.ddl import ddl_path
from orderhub.lake import on_lake
from orderhub.privacy import migration as privacy_migration
from orderhub.privacy import ticket_migration
from orderhub.transaction import transaction

log = logging.getLogger(__name__)


def _column_type(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> str | None:
    rows = con.execute(
        "select data_type from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name = ?",
        [schema, table, column],
    ).fetchall()  # drained: no open result
    return rows[0][0] if rows else None


def _recreate(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(ddl_path(table).read_text(encoding="utf-8"))


def _rehash(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute raw's content_hash as today's `md5(record text)::uuid` and translate every reference to the old
    hashes through an old -> new map. Raw keeps the record text, so nothing is
    lost; the facts are a cache of raw: emptied, the next hub rebuild re-standardizes them from raw."""
    con.execute("""create or replace temp table _hash_map as
        select content_hash as old_hash, md5(record::varchar)::uuid as new_hash from raw.channel_orders""")
    # two steps: DuckDB cannot cast UHUGEINT to UUID, so the column is re-typed through its text
    con.execute("alter table raw.channel_orders alter content_hash type varchar using md5(record::varchar)")
    con.execute("alter table raw.channel_orders alter content_hash type uuid using content_hash::uuid")
    con.execute("drop table raw.channel_order_facts")
    _recreate(con, "raw.channel_order_facts")
    # rebuilt from its DDL so the columns keep their order (readers and tests select *)
    con.execute("alter table hub.order_status_history rename to order_status_history_v0")
    _recreate(con, "hub.order_status_history")
    con.execute("""insert into hub.order_status_history by name
        select h.* replace (m.new_hash as content_hash)
        from hub.order_status_history_v0 h left join _hash_map m on m.old_hash = h.content_hash""")
    con.execute("drop table hub.order_status_history_v0")
    con.execute("""update hub.quarantine q set content_hash = m.new_hash::varchar from _hash_map m
                   where q.entity = 'order' and q.content_hash = m.old_hash::varchar""")
    con.execute("drop table _hash_map")


def content_hash_to_md5_number(con: duckdb.DuckDBPyConnection) -> bool:
    """content_hash was the sha256 hex text of the canonical record JSON. This step once made it md5_number of the
    same text (UHUGEINT); it now goes straight to today's type (see content_hash_to_uuid)."""
    if _column_type(con, "raw", "channel_orders", "content_hash") != "VARCHAR":
        return False
    _rehash(con)
    return True


def content_hash_to_uuid(con: duckdb.DuckDBPyConnection) -> bool:
    """content_hash was md5_number of the canonical record JSON (UHUGEINT); it is now the same md5 as a UUID:
    still 16 bytes and fixed width, but a type Parquet stores exactly (a DuckLake writes UHUGEINT as a lossy
    DOUBLE, and the landing's dedupe then stops recognising records it already has)."""
    if _column_type(con, "raw", "channel_orders", "content_hash") != "UHUGEINT":
        return False
    _rehash(con)
    return True


def buyer_key_to_128_bits(con: duckdb.DuckDBPyConnection) -> bool:
    """buyer_key was the full salted sha256 (64 hex); it is now its first 32 hex digits, so cutting the old
    keys gives exactly what a rebuild writes (repeat buyers keep matching across old and new partitions)."""
    if not con.execute(
        "select count(*) from (select 1 from hub.orders where length(buyer_key) = 64 limit 1)"
    ).fetchall()[0][0]:
        return False
    con.execute("update hub.orders set buyer_key = left(buyer_key, 32) where length(buyer_key) = 64")
    return True


# replaced a business day at a time: partitioned by it, a replacement drops whole files instead of writing a delete
# file per data file it touches (measured: ~2x faster, and no delete files for maintenance to rewrite)
LAKE_PARTITIONS = {
    "hub.orders": "order_date",
    "hub.order_lines": "order_date",
    "hub.order_status_history": "order_date",
}


def lake_layout(con: duckdb.DuckDBPyConnection) -> bool:
    """On a DuckLake (no-op on a DuckDB file): zstd Parquet (the file backend's `using compression zstd` on
    raw.channel_orders.record is a DuckDB-file hint) and the hub tables partitioned by business day."""
    if not on_lake(con):
        return False
    con.execute("call lake.set_option('parquet_compression', 'zstd')")
    for table, column in LAKE_PARTITIONS.items():
        con.execute(f"alter table {table} set partitioned by ({column})")
    return True


def personal_data_to_tokens(con: duckdb.DuckDBPyConnection) -> bool:
    """Raw records landed before the personal-data split keep buyers' names, phones and addresses in clear: they
    are tokenized as a landing does today, the values moved to the protected store (orderhub/privacy/migration.py).
    Its first phase runs before the transaction (`prepare`): the store is another database."""
    return privacy_migration.apply(con)


personal_data_to_tokens.prepare = privacy_migration.prepare


def ticket_personal_data_to_tokens(con: duckdb.DuckDBPyConnection) -> bool:
    """Quarantined after-sales payloads and ticket reasons stored before tickets went through the personal-data
    split are tokenized the same way (orderhub/privacy/ticket_migration.py); first phase before the transaction."""
    return ticket_migration.apply(con)


ticket_personal_data_to_tokens.prepare = ticket_migration.prepare


def check_alerts_keyed_by_window(con: duckdb.DuckDBPyConnection) -> bool:
    """Check alerts were keyed per table + rule ('check:hub.orders:money_non_negative'); they are now keyed
    per window (…:2026-11-03). An old open one names no window, so no evaluation could ever resolve it: it
    is closed quietly (no recovery is sent), and the next evaluation of a failing window opens its own."""
    legacy = (
        "kind = 'check_failed' and resolved_at is null "
        "and length(dedupe_key) - length(replace(dedupe_key, ':', '')) = 2"
    )
    if not con.execute(f"select count(*) from ops.alerts where {legacy}").fetchall()[0][0]:
        return False
    con.execute(f"update ops.alerts set resolved_at = now() where {legacy}")
    return True


STEPS = (
    content_hash_to_md5_number,
    buyer_key_to_128_bits,
    content_hash_to_uuid,
    lake_layout,
    personal_data_to_tokens,
    ticket_personal_data_to_tokens,
    check_alerts_keyed_by_window,
)


def upgrade(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run every step not yet recorded; returns the names of those that changed the warehouse."""
    done = {r[0] for r in con.execute("select step from ops.schema_migrations").fetchall()}
    changed = []
    for step in STEPS:
        if step.__name__ in done:
            continue
        prepare = getattr(step, "prepare", None)
        ready = prepare(con, log) if prepare else True
        if ready is None:
            continue  # cannot run yet (prepare logged why): looked at again next time
        with transaction(con):
            if ready and step(con):
                changed.append(step.__name__)
            con.execute(
                "insert into ops.schema_migrations values (?, ?, ?)",
                [step.__name__, step.__name__ in changed, datetime.now(UTC)],
            )
    return changed
