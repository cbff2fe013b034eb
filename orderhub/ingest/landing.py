"""Landing: records exactly as received -> raw.channel_orders, with dedupe, quarantine and accounting.

One call lands one batch (one API window, one ERP poll, one file) in ONE transaction together with the
cursor advance and the HTTP call log, so a crash leaves either everything or nothing: the cursor never
moves past data that is not durably stored, and a re-delivered record is recognised by its content hash.

Accounting per batch (ops.ingest_batches), exact by construction and asserted against what was written:
    received     = records handed in
    deduplicated = records whose content hash was already in raw, or earlier in the same batch
    quarantined  = new records the mapping cannot standardize (kept in raw flagged + a hub.quarantine row)
    stored       = new standardizable records
    received = stored + deduplicated + quarantined
"""

from __future__ import annotations

import json
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from orderhub.calllog import CallLog
from orderhub.locks import claim
from orderhub.privacy.split import protect, quarantine_suspects, release
from orderhub.stages import stage
from orderhub.standardize.compiler import lit
from orderhub.standardize.facts import FACT_COLUMNS, facts_sql
from orderhub.standardize.loader import load_mapping
from orderhub.standardize.moves import QUARANTINE_COLUMNS
from orderhub.transaction import retrying, transaction
from orderhub.upsert import insert_or_ignore, insert_or_replace


class AccountingError(AssertionError):
    """The rows written do not add up to what was received: the batch is rolled back."""


@dataclass
class LandResult:
    batch_id: str
    source: str
    channel: str
    shop_id: str | None
    received: int
    stored: int
    deduplicated: int
    quarantined: int
    order_dates: list[date] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)
    lines_stored: int = 0  # order lines of the stored records
    rows: dict[str, int] = field(default_factory=dict)  # files: report rows received/stored/deduplicated/quarantined
    personal_values: int = 0  # names, phones, addresses moved to the protected store (orderhub/privacy)

    def as_metadata(self) -> dict[str, Any]:
        out = {
            "received": self.received,
            "stored": self.stored,
            "deduplicated": self.deduplicated,
            "quarantined": self.quarantined,
            "reasons": self.reasons,
            "lines_stored": self.lines_stored,
            "personal_values": self.personal_values,
        }
        return out | ({"rows": self.rows} if self.rows else {})


def canonical_json(record: Any) -> str:
    """Stable text of a record: sorted keys, no whitespace, UTF-8 kept. Same content => same hash."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def new_batch_id(source: str, channel: str) -> str:
    return f"{source}-{channel}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def land(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    channel: str,
    shop_id: str | None,
    mapping: str,
    records: list[Any],
    batch_id: str | None = None,
    window: tuple[datetime | None, datetime | None] = (None, None),
    cursor_updates: dict[str, str] | None = None,
    calls: CallLog | None = None,
    run_id: str | None = None,
) -> LandResult:
    """Land python records (dicts from a connector, the ERP or an export reader)."""
    incoming = pa.table(  # noqa: F841 - read by name in the SQL below (a replacement scan)
        {
            "seq": pa.array(range(len(records)), pa.int64()),
            "record_text": pa.array([canonical_json(r) for r in records], pa.string()),
        }
    )
    # a replacement scan of the local Arrow table (register() refuses while a caller's result is open)
    con.execute("create or replace temp table _land_src as select seq, record_text from incoming")
    try:
        return land_sql(
            con,
            "select seq, record_text from _land_src",
            source=source,
            channel=channel,
            shop_id=shop_id,
            mapping=mapping,
            batch_id=batch_id,
            window=window,
            cursor_updates=cursor_updates,
            calls=calls,
            run_id=run_id,
        )
    finally:
        with suppress(duckdb.Error):
            con.execute("drop table if exists _land_src")


def land_sql(con: duckdb.DuckDBPyConnection, incoming_sql: str, *, source: str, channel: str, **kw) -> LandResult:
    """Land the rows of `incoming_sql` (see _land_sql) as one unit of work: on a DuckLake another process may be
    landing the same records at the same moment, so the dedupe reads raw inside the transaction that writes it
    and claims raw's write lock (orderhub/locks.py): of two such landings one is run again, and then finds the
    records already there."""
    kw["batch_id"] = kw.get("batch_id") or new_batch_id(source, channel)
    # personal data out first, into the protected store: raw, quarantine and the facts only ever see tokens
    with stage("privacy split"):
        protected = protect(con, incoming_sql, kw["mapping"])
    incoming_sql = protected.incoming_sql
    calls: CallLog | None = kw.get("calls")
    pending = list(calls.records) if calls is not None else []

    def unit_of_work(con: duckdb.DuckDBPyConnection) -> LandResult:
        claim(con, "raw.channel_orders")
        if calls is not None:
            calls.records[:] = pending  # a re-run writes the same call log again
        return _land_sql(con, incoming_sql, source=source, channel=channel, **kw)

    try:
        result = retrying(con, unit_of_work, what=f"landing {kw['batch_id']}")
    finally:
        # the batch's work tables (its facts: ~250 MB for a 1M-row report; protect()'s tokenized texts) are not
        # kept until the connection closes, nor into the next file a run lands
        with suppress(duckdb.Error):
            release(con)
            con.execute("drop table if exists _land_in; drop table if exists _land_new; drop table if exists _land_std")
    result.personal_values = protected.values
    return result


def _land_sql(
    con: duckdb.DuckDBPyConnection,
    incoming_sql: str,
    *,
    source: str,
    channel: str,
    shop_id: str | None,
    mapping: str,
    batch_id: str | None = None,
    window: tuple[datetime | None, datetime | None] = (None, None),
    cursor_updates: dict[str, str] | None = None,
    calls: CallLog | None = None,
    run_id: str | None = None,
    rejects: str | None = None,
    rows_column: str | None = None,
) -> LandResult:
    """Land the rows of `incoming_sql` (columns: seq, record_text = canonical JSON). Vectorized throughout.
    `rejects` (SQL: seq, reason, message) quarantines those new records whatever the mapping says (a file
    decided it); `rows_column` names an incoming column with the report rows each record holds (file accounting).
    record_text may be VARCHAR or already JSON-typed (e.g. from read_json): JSON is stored as is, text is
    validated by the cast into raw.channel_orders.record (one more parse of the text, ~40% of the raw insert).

    `incoming_sql` is evaluated more than once (hashes first, the text later by seq): it must be a stable
    read, with seq a unique key of its rows (a table scan; never row_number() over an unordered source)."""
    m = load_mapping(mapping)
    batch_id = batch_id or new_batch_id(source, channel)
    shop = shop_id or m.default_shop_id or channel
    started = datetime.now(UTC)
    # narrow: the record text is not copied, it is read again from the incoming rows by their seq
    with stage("hash + dedupe"):
        con.execute(
            f"create or replace temp table _land_in as "
            f"select seq, md5(record_text)::uuid as content_hash, {rows_column or 1} as n_rows from ({incoming_sql})"
        )
        text = f"(select seq, record_text from ({incoming_sql}))"
        received = con.execute("select count(*) from _land_in").fetchone()[0]
        # first occurrence of each hash not yet in raw (identical hash => identical text), on the narrow hashes;
        # the text is picked up by its integer seq (no copies of it, no joins on text)
        con.execute("""create or replace temp table _land_new as
            select content_hash, min(seq) as seq
            from _land_in anti join raw.channel_orders using (content_hash) group by content_hash""")
    with stage("standardize"):
        # from_json in the compiled query is the one parse (it rejects malformed text); the typed result is
        # kept as raw.channel_order_facts so the hub rebuild never parses the JSON again
        src = (
            f"select content_hash, record_text as record, {lit(shop)} as shop_id,"
            f" cast({lit(started.isoformat())} as timestamptz) as received_at, {lit(source)} as source, seq"
            f" from {text} i join _land_new n using (seq)"
        )
        con.execute(f"create or replace temp table _land_std as {facts_sql(m, src, ('seq',))}")
        if rejects:
            con.execute(
                f"update _land_std s set reason = r.reason, message = r.message from ({rejects}) r where s.seq = r.seq"
            )
        quarantine_suspects(con, "_land_std", mapping)  # personal data no declaration covered (orderhub/privacy)
        new, quarantined = con.execute(
            "select count(*), count(*) filter (where reason is not null) from _land_std"
        ).fetchone()
        reasons = dict(
            con.execute(
                "select reason, count(*) from _land_std where reason is not null group by reason order by reason"
            ).fetchall()
        )
        dates = [
            r[0]
            for r in con.execute(
                "select distinct order_date from _land_std where reason is null and order_date is not null order by 1"
            ).fetchall()
        ]
        result = LandResult(
            batch_id, source, channel, shop, received, new - quarantined, received - new, quarantined, dates, reasons
        )
        result.lines_stored = con.execute(
            "select coalesce(sum(len(line_sku)), 0) from _land_std where reason is null"
        ).fetchone()[0]
        if rows_column:
            counts = con.execute("""select sum(i.n_rows),
                       sum(i.n_rows) filter (where s.reason is null and s.seq is not null),
                       sum(i.n_rows) filter (where s.seq is null), sum(i.n_rows) filter (where s.reason is not null)
                from _land_in i left join _land_std s using (seq)""").fetchone()
            result.rows = dict(zip(("received", "stored", "deduplicated", "quarantined"), (c or 0 for c in counts)))
    with stage("write"):
        with transaction(con):
            con.execute(
                f"""insert into raw.channel_orders
                select s.content_hash, {lit(source)}, {lit(channel)}, s.shop_id, {lit(mapping)}, {lit(batch_id)},
                       cast(? as timestamptz), s.channel_order_id, s.source_updated_at, s.order_date,
                       i.record_text, s.reason
                from _land_std s join {text} i using (seq)""",
                [started],
            )
            con.execute(
                f"insert into raw.channel_order_facts ({FACT_COLUMNS}) select {FACT_COLUMNS} from _land_std"
                " where reason is null"
            )
            insert_or_ignore(
                con,
                "hub.quarantine",
                ["quarantine_id"],
                f"""select sha256('order|' || s.content_hash || '|' || s.reason), 'order', {lit(source)},
                       {lit(channel)}, {lit(batch_id)}, s.content_hash::varchar, s.reason, s.message, i.record_text,
                       cast(? as timestamptz)
                from _land_std s join {text} i using (seq) where s.reason is not null""",
                [started],
                columns=QUARANTINE_COLUMNS.split(", "),
            )
            written = con.execute("select count(*) from raw.channel_orders where batch_id = ?", [batch_id]).fetchone()[
                0
            ]
            if written != result.stored + result.quarantined or received != (
                result.stored + result.deduplicated + result.quarantined
            ):
                raise AccountingError(f"batch {batch_id}: received {received}, wrote {written}, {result.as_metadata()}")
            con.execute(
                "insert into ops.ingest_batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    batch_id,
                    source,
                    channel,
                    shop,
                    window[0],
                    window[1],
                    received,
                    result.stored,
                    result.deduplicated,
                    quarantined,
                    started,
                    datetime.now(UTC),
                    run_id,
                ],
            )
            for name, value in (cursor_updates or {}).items():
                set_cursor(con, name, value)
            if calls is not None:
                calls.flush(con)
    return result


def set_cursor(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    insert_or_replace(
        con, "ops.cursors", ["cursor_name"], "select ?, ?, ?::timestamptz", [name, value, datetime.now(UTC)]
    )


def get_cursor(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("select value from ops.cursors where cursor_name = ?", [name]).fetchone()
    return row[0] if row else None


def quarantine_file(
    con: duckdb.DuckDBPyConnection, *, channel: str, path: str, reason: str, message: str, batch_id: str | None = None
) -> None:
    """A dropped file that cannot be read at all: one 'file' quarantine row, nothing half-loaded."""
    now = datetime.now(UTC)
    record = canonical_json({"path": path, "reason": reason, "message": message})
    insert_or_ignore(
        con,
        "hub.quarantine",
        ["quarantine_id"],
        """select sha256('file|' || ? || '|' || ?), 'file', 'file', ?, ?, sha256(?), ?, ?, cast(? as json),
                  ?::timestamptz""",
        [path + now.isoformat(), reason, channel, batch_id, record, reason, message, record, now],
        columns=QUARANTINE_COLUMNS.split(", "),
    )
