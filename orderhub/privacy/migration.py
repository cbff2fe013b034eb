"""Upgrade step personal_data_to_tokens (orderhub/migrate.py): a warehouse landed before the split keeps buyers'
names, phones and addresses in raw.* and hub.quarantine. The declared fields of every stored record are tokenized
as a landing does today, their values moved to the protected store, and every reference follows:

1. outside the warehouse transaction (a DuckDB transaction writes one database): tokenize the affected records
   into temp tables and add their values to the protected store; a crash here leaves raw untouched and the store
   with values it will need anyway;
2. in one transaction: raw gets the tokenized text and its new content hash (md5 of that text, as a landing
   computes it, so a record delivered again still dedupes); the facts of those records are standardized again
   from it; hub.orders buyer keys built from a clear buyer id (ERP phones, export member names, JD pins) become
   the keys of its token; history lineage and order quarantine rows follow the new hashes.
"""

from __future__ import annotations

import duckdb

from orderhub.privacy.fields import declared
from orderhub.privacy.split import MissingKey, protect, release, secret
from orderhub.standardize.facts import FACT_COLUMNS, facts_sql
from orderhub.standardize.loader import load_mapping


def _clear(fields) -> str:
    """SQL: the record still holds one of `fields` in clear (a token, or a kept prefix + token, is not clear)."""
    return " or ".join(
        f"position('pii:' in coalesce(nullif(trim(json_extract_string(record, '{f.pointer}')), ''), 'pii:')) = 0"
        for f in fields
    )


def prepare(con: duckdb.DuckDBPyConnection, log) -> bool | None:
    """Phase 1: True when records are ready to apply, False when no stored record holds declared personal data in
    clear, None when some do but there is no key to tokenize them (the step then stays pending)."""
    todo = []
    for (mapping,) in con.execute("select distinct mapping from raw.channel_orders order by 1").fetchall():
        fields = declared(mapping)
        if (
            fields
            and con.execute(
                "select count(*) from (select 1 from raw.channel_orders"
                f" where mapping = ? and ({_clear(fields)}) limit 1)",
                [mapping],
            ).fetchone()[0]
        ):
            todo.append((mapping, fields))
    if not todo:
        return False
    try:
        secret()
    except MissingKey as exc:
        log.warning(f"personal data in raw records stays until a writer with the key opens the warehouse: {exc}")
        return None
    con.execute("create or replace temp table _pii_mig (old_hash uuid, new_text varchar, mapping varchar)")
    for mapping, fields in todo:
        con.execute(
            f"""create or replace temp table _pii_mig_src as
                select row_number() over (order by content_hash) as seq, content_hash, record::varchar as record_text
                from raw.channel_orders where mapping = ? and ({_clear(fields)})""",
            [mapping],
        )
        protected = protect(con, "select seq, record_text from _pii_mig_src", mapping, safety_net=False)
        con.execute(
            "insert into _pii_mig select s.content_hash, t.record_text, ?"
            f" from _pii_mig_src s join ({protected.incoming_sql}) t using (seq)",
            [mapping],
        )
    log.info(f"tokenizing {con.execute('select count(*) from _pii_mig').fetchone()[0]} stored records")
    return True


def apply(con: duckdb.DuckDBPyConnection) -> bool:
    """Phase 2, inside the step's transaction."""
    salt = secret()
    con.execute("""create or replace temp table _pii_map as
        select old_hash, md5(new_text)::uuid as new_hash, new_text, mapping from _pii_mig""")
    con.execute("""create or replace temp table _pii_old_facts as
        select m.old_hash, m.new_hash, f.channel, f.buyer_id
        from raw.channel_order_facts f join _pii_map m on f.content_hash = m.old_hash""")
    con.execute("""update raw.channel_orders r set content_hash = m.new_hash, record = m.new_text::json
                   from _pii_map m where r.content_hash = m.old_hash""")
    con.execute("delete from raw.channel_order_facts where content_hash in (select old_hash from _pii_map)")
    for (mapping,) in con.execute("select distinct mapping from _pii_map order by 1").fetchall():
        src = (
            "select content_hash, record, shop_id, received_at, source from raw.channel_orders where content_hash in "
            f"(select new_hash from _pii_map where mapping = '{mapping}') and quarantine_reason is null"
        )
        con.execute(
            f"insert into raw.channel_order_facts ({FACT_COLUMNS}) select {FACT_COLUMNS} "
            f"from ({facts_sql(load_mapping(mapping), src)}) where reason is null"
        )
    key = "left(sha256(? || '|' || {0}.channel || '|' || {0}.buyer_id), 32)"  # as orderhub.standardize.hub keys
    con.execute(
        f"""update hub.orders o set buyer_key = k.new_key
            from (select distinct {key.format("f")} as old_key, {key.format("n")} as new_key
                  from _pii_old_facts f join raw.channel_order_facts n on n.content_hash = f.new_hash
                  where f.buyer_id is distinct from n.buyer_id and f.buyer_id is not null) k
            where o.buyer_key = k.old_key""",
        [salt, salt],
    )
    con.execute("""update hub.order_status_history h set content_hash = m.new_hash
                   from _pii_map m where h.content_hash = m.old_hash""")
    con.execute("""update hub.quarantine q
                   set content_hash = m.new_hash::varchar, record = m.new_text::json,
                       quarantine_id = sha256('order|' || m.new_hash::varchar || '|' || q.reason)
                   from _pii_map m where q.entity = 'order' and q.content_hash = m.old_hash::varchar""")
    for t in ("_pii_mig", "_pii_mig_src", "_pii_map", "_pii_old_facts"):
        con.execute(f"drop table if exists {t}")
    release(con)
    return True
