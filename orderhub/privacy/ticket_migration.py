"""Upgrade step ticket_personal_data_to_tokens (orderhub/migrate.py): before after-sales records went through the
personal-data split, hub.quarantine kept the payloads of tickets for unknown orders in clear (a customer-service
form's free text, JD's buyer account and name) and hub.after_sales_tickets.reason whatever the buyer typed.

1. outside the transaction: tokenize those payloads as a ticket landing does today (orderhub/after_sales/personal.py,
   the mapping's declared fields and the safety net) and each reason with the safety net, values to the store;
2. in the step's transaction: the quarantine rows get the tokenized payload, its content hash (sha256 of the text,
   as a landing computes it, so the same ticket read again finds its row) and the quarantine id that follows from
   it; the reasons get their tokenized text.
"""

from __future__ import annotations

import duckdb

from orderhub.after_sales.personal import declaration
from orderhub.privacy.split import MissingKey, protect, release, secret

REASONS = "after_sales/reason"  # no declaration: the safety net alone


def _feed(source: str, channel: str) -> str:
    return "cs" if source == "cs_form" else channel


def prepare(con: duckdb.DuckDBPyConnection, log) -> bool | None:
    """True when rows are ready to apply, False when there are none, None without the key (retried later)."""
    (n,) = con.execute(
        "select (select count(*) from hub.quarantine where entity = 'ticket' and record is not null)"
        " + (select count(*) from hub.after_sales_tickets where reason is not null)"
    ).fetchone()
    if not n:
        return False
    try:
        secret()
    except MissingKey as exc:
        log.warning(f"after-sales payloads stay as they are until a writer with the key opens the warehouse: {exc}")
        return None
    con.execute("create or replace temp table _tk_mig (quarantine_id varchar, new_text varchar)")
    feeds = con.execute(
        "select distinct source, channel from hub.quarantine where entity = 'ticket' and record is not null"
    ).fetchall()
    for source, channel in feeds:
        con.execute(
            """create or replace temp table _tk_src as
               select row_number() over (order by quarantine_id) as seq, quarantine_id, record::varchar as record_text
               from hub.quarantine where entity = 'ticket' and record is not null
                 and source = ? and channel is not distinct from ?""",
            [source, channel],
        )
        protected = protect(con, "select seq, record_text from _tk_src", declaration(_feed(source, channel)))
        con.execute(
            f"""insert into _tk_mig select s.quarantine_id, t.record_text::varchar
                from _tk_src s join ({protected.incoming_sql}) t using (seq)
                where t.record_text::varchar <> s.record_text"""
        )
    con.execute(
        """create or replace temp table _tk_reason_src as
           select row_number() over (order by ticket_code) as seq, ticket_code,
                  json_object('reason', reason)::varchar as record_text
           from hub.after_sales_tickets where reason is not null"""
    )
    protected = protect(con, "select seq, record_text from _tk_reason_src", REASONS)
    con.execute(
        f"""create or replace temp table _tk_reasons as
            select s.ticket_code, t.record_text::json->>'reason' as reason
            from _tk_reason_src s join ({protected.incoming_sql}) t using (seq)
            where t.record_text::varchar <> s.record_text"""
    )
    log.info(
        f"tokenizing {con.execute('select count(*) from _tk_mig').fetchone()[0]} quarantined after-sales records "
        f"and {con.execute('select count(*) from _tk_reasons').fetchone()[0]} ticket reasons"
    )
    return True


def apply(con: duckdb.DuckDBPyConnection) -> bool:
    """Phase 2, inside the step's transaction."""
    (changed,) = con.execute("select (select count(*) from _tk_mig) + (select count(*) from _tk_reasons)").fetchone()
    con.execute("""update hub.quarantine q
                   set record = m.new_text::json, content_hash = sha256(m.new_text),
                       quarantine_id = sha256('ticket|' || sha256(m.new_text) || '|' || q.reason)
                   from _tk_mig m where q.quarantine_id = m.quarantine_id""")
    con.execute("""update hub.after_sales_tickets t set reason = r.reason
                   from _tk_reasons r where t.ticket_code = r.ticket_code""")
    for t in ("_tk_mig", "_tk_src", "_tk_reason_src", "_tk_reasons"):
        con.execute(f"drop table if exists {t}")
    release(con)
    return bool(changed)
