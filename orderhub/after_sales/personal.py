"""After-sales records through the personal-data split (orderhub/privacy) before anything stores them.

A ticket record can carry a buyer's account and name (JD's refund applications), the buyer's own description
(Taobao's `desc`) or a customer-service form's free text, where buyers leave names and phone numbers. The fields
are declared in orderhub/privacy/personal_fields.yaml under `after_sales/<mapping name>`; the safety net tokenizes
a phone, ID number, e-mail or street number anywhere else (the buyer's reason text included). Unlike an order
record, a ticket the safety net touched is not quarantined: its free text is expected to hold anything, it is
stored tokenized, and quarantining it would hide a refund until the next relink window (there is no ticket replay).
"""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from orderhub.after_sales.loader import all_ticket_mappings
from orderhub.privacy.split import protect, release

PREFIX = "after_sales/"


def declaration(feed: str) -> str:
    """The personal_fields.yaml key of the mapping that reads `feed` (a feed no mapping reads: its own name)."""
    names = {m.feed: m.name for m in all_ticket_mappings().values()}
    return PREFIX + names.get(feed, feed)


def record_text(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def tokenized_incoming(con: duckdb.DuckDBPyConnection, feeds: dict[str, list[dict]]) -> dict[str, int]:
    """Temp table `incoming` (channel = the feed, record json, content_hash = sha256 of the stored text) with
    personal values replaced by tokens, the values written to the protected store first (outside any
    transaction). Returns personal values found and records the safety net tokenized."""
    rows = [(feed, record_text(r)) for feed, records in feeds.items() for r in records]
    src = pa.table(  # noqa: F841 - read by name in the SQL below (a replacement scan)
        {
            "feed": pa.array([f for f, _ in rows], pa.string()),
            "seq": pa.array(range(len(rows)), pa.int64()),
            "record_text": pa.array([t for _, t in rows], pa.string()),
        }
    )
    con.execute("create or replace temp table _as_src as select feed, seq, record_text from src")
    con.execute("create or replace temp table _as_tok (feed varchar, seq bigint, record_text varchar)")
    counts = {"personal_values": 0, "personal_data_tokenized": 0}
    for feed in sorted({f for f, _ in rows}):
        lit = "'" + feed.replace("'", "''") + "'"
        protected = protect(con, f"select seq, record_text from _as_src where feed = {lit}", declaration(feed))
        con.execute(f"insert into _as_tok select {lit}, seq, record_text::varchar from ({protected.incoming_sql})")
        counts["personal_values"] += protected.values
        counts["personal_data_tokenized"] += protected.suspects
    con.execute(
        "create or replace temp table incoming as"
        " select feed as channel, record_text::json as record, sha256(record_text) as content_hash"
        " from _as_tok order by seq"
    )
    for t in ("_as_src", "_as_tok"):
        con.execute(f"drop table if exists {t}")
    release(con)
    return counts
