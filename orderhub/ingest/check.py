"""`orderhub mapping check NAME FILE`: what a sample file would do under a mapping, before anything lands.

The file is read exactly as the landing reads it (same staging, same records, same compiled query), in an
in-memory DuckDB: nothing is written anywhere. The report says, per field, how many values were there and how
many parse (with examples of those that do not), each quarantine reason with examples, the status texts the
map lacks, the SKUs no map knows, the order dates, and the accounting the file would produce. Dedupe against
what was already landed and the ERP's SKU map are read from the published read-only warehouse when there is
one (else the live file, read-only, if no writer holds it).
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orderhub.ingest.filerecords import build_records
from orderhub.ingest.filestage import ExportReadError, stage_file
from orderhub.ingest.landing import canonical_json
from orderhub.standardize.compiler import standardize_sql
from orderhub.standardize.fields import LINE_FIELDS, ORDER_FIELDS
from orderhub.standardize.mapping import Mapping
from orderhub.standardize.skus import read_aliases
from orderhub.standardize.sqlvalues import lit

EXAMPLES = 3
MAX_JSON_BYTES = 64 << 20
PRIVATE = ("buyer_id", "receiver_province", "receiver_city")  # counted, never quoted


def _records_from_json(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """API/ERP mappings: a JSON array of records, or one record per line (NDJSON)."""
    if path.stat().st_size > MAX_JSON_BYTES:
        raise ExportReadError("too_large", f"more than {MAX_JSON_BYTES:,} bytes of sample records", str(path))
    text = path.read_text(encoding="utf-8-sig")
    try:
        records = (
            json.loads(text)
            if text.lstrip().startswith("[")
            else [json.loads(x) for x in text.splitlines() if x.strip()]
        )
    except ValueError as exc:
        raise ExportReadError(
            "malformed_json", f"not a JSON array or one JSON record per line: {exc}", str(path)
        ) from None
    frame = pd.DataFrame({"seq": range(len(records)), "record_text": [canonical_json(r) for r in records]})  # noqa: F841
    con.execute("create or replace temp table _file_records as select seq, record_text, 1 as n_rows from frame")
    con.execute("create or replace temp table _file_rejects (seq bigint, reason varchar, message varchar)")
    return len(records)


def _attach_warehouse(con: duckdb.DuckDBPyConnection, candidates: list[Path]) -> str | None:
    for path in candidates:
        if path.exists():
            try:
                con.execute(f"attach {lit(str(path))} as wh (read_only)")
                return str(path)
            except duckdb.Error:
                continue
    return None


def check(m: Mapping, files: list[Path], warehouses: list[Path], first_partition: date) -> dict[str, Any]:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return _check(con, m, files, warehouses, first_partition)
    finally:
        con.close()


def _check(con, m: Mapping, files: list[Path], warehouses: list[Path], first_partition: date) -> dict[str, Any]:
    out: dict[str, Any] = {"mapping": m.name, "origin": m.origin, "source": m.source, "files": [str(f) for f in files]}
    if m.file is None:
        rows = _records_from_json(con, files[0])
    else:
        main, items = _roles(m, files)
        with tempfile.TemporaryDirectory() as work:
            staged = stage_file(con, main, m.file, "_check_main", Path(work))
            staged_items = stage_file(con, items, m.file, "_check_items", Path(work)) if items else None
        out["headers"] = {"found": staged.headers, "required": list(m.file.order_headers)}
        out["optional_headers_absent"] = _absent_optional(
            m, staged.headers + (staged_items.headers if staged_items else [])
        )
        rows = build_records(con, m, staged, staged_items).rows
    wh = _attach_warehouse(con, warehouses)
    out["warehouse"] = wh
    now = datetime.now(UTC)
    src = f"""select r.seq, md5(r.record_text)::uuid as content_hash, r.record_text as record, r.n_rows,
                     {lit(m.default_shop_id or m.channel)} as shop_id,
                     timestamptz {lit(now.isoformat())} as received_at,
                     {lit(m.source)} as source from _file_records r"""
    std = standardize_sql(m, src, ("seq", "n_rows"), explain=True)
    con.execute(f"""create temp table _check as
        select *, row_number() over (partition by content_hash order by seq) > 1 as dup from ({std})""")
    con.execute("update _check c set reason = r.reason, message = r.message from _file_rejects r where c.seq = r.seq")
    if wh:
        con.execute(
            "update _check set dup = true where content_hash in (select content_hash from wh.raw.channel_orders)"
        )
    out["fields"] = _fields(con, m)
    out["reasons"] = _reasons(con)
    out["unmapped_statuses"] = con.execute(
        "select t_status, count(*) from _check where status is null and t_status is not null group by 1 order by 2 desc"
    ).fetchall()
    out["unmapped_skus"] = _unmapped_skus(con, m, wh)
    out["accounting"] = _accounting(con, rows)
    dates = con.execute("select min(order_date), max(order_date) from _check where reason is null").fetchone()
    early = con.execute(
        "select count(distinct order_date) from _check where reason is null and order_date < ?",
        [first_partition],
    ).fetchone()[0]
    out["order_dates"] = {
        "first": str(dates[0]) if dates[0] else None,
        "last": str(dates[1]) if dates[1] else None,
        "before_first_partition": early,
        "first_partition": first_partition.isoformat(),
    }
    out["currency"] = con.execute(
        "select list(distinct currency order by currency) from _check where reason is null"
    ).fetchone()[0]
    return out


def _roles(m: Mapping, files: list[Path]) -> tuple[Path, Path | None]:
    if m.file.lines_from is None:
        if len(files) != 1:
            raise ExportReadError("bad_arguments", f"{m.name} reads one report per file, got {len(files)}")
        return files[0], None
    items = [f for f in files if m.file.claims_items(f.name)]
    main = [f for f in files if f not in items]
    if len(main) != 1 or len(items) != 1:
        raise ExportReadError(
            "bad_arguments",
            f"{m.name} reads a pair: the order report ({m.file.match}) and the item report ({m.file.lines_from.match})",
        )
    return main[0], items[0]


def _absent_optional(m: Mapping, headers: list[str]) -> list[str]:
    rows = "rows[0]."
    paths = [f.label or f.path for f in [*m.fields.values(), *m.lines.fields.values()] if f.path and not f.required]
    return sorted({p.removeprefix(rows).split(".")[0] for p in paths} - set(headers))


def _fields(con, m: Mapping) -> list[dict]:
    cols = {r[0] for r in con.execute("describe _check").fetchall()}
    out = []
    for name in ORDER_FIELDS:
        f = m.fields.get(name)
        if f is None:
            continue
        value = "shop_id_override" if name == "shop_id" else name
        text = f"t_{value}" if f"t_{value}" in cols else None
        if f.agg != "first":
            stats = con.execute(f"select sum(list_count(ta_{name})), sum(list_count(pa_{name})) from _check").fetchone()
            out.append(
                _field_row("order", name, f, stats[0], stats[1], []) | {"from": f"{f.agg} of {f.shown} (every line)"}
            )
        elif text:
            present, parsed = con.execute(
                f"select count({text}), count({text}) filter (where {value} is not null) from _check"
            ).fetchone()
            bad = (
                []
                if name in PRIVATE or f.kind == "str"
                else _examples(con, f"select distinct {text} from _check where {text} is not null and {value} is null")
            )
            out.append(_field_row("order", name, f, present, parsed if f.kind != "str" else present, bad))
        else:
            n = con.execute(f"select count({value}) from _check").fetchone()[0]
            out.append(
                {
                    "level": "order",
                    "field": name,
                    "from": f.compute or f"default {f.default}",
                    "present": n,
                    "parsed": n,
                    "unreadable": 0,
                    "examples": [],
                }
            )
    for name, f in m.lines.fields.items():
        if f"tl_{name}" not in cols:
            continue
        typed = f"ll_{name}" if f"ll_{name}" in cols else f"tl_{name}"
        present, parsed = con.execute(
            f"select sum(list_count(tl_{name})), sum(list_count({typed})) from _check"
        ).fetchone()
        bad = _examples(
            con,
            f"""select distinct t from (select unnest(tl_{name}) as t, unnest({typed}) as v from _check)
                where t is not null and v is null""",
        )
        out.append(_field_row("line", name, f, present, parsed, bad))
    return out


def _field_row(level: str, name: str, f, present, parsed, bad) -> dict:
    present, parsed = int(present or 0), int(parsed or 0)
    source = f.shown if f.path else (f.compute or f"default {f.default}")
    required = ORDER_FIELDS.get(name) if level == "order" else LINE_FIELDS.get(name)
    return {
        "level": level,
        "field": name,
        "from": source,
        "required": bool(required),
        "kind": f.kind,
        "present": present,
        "parsed": parsed,
        "unreadable": present - parsed,
        "examples": bad,
    }


def _examples(con, sql: str) -> list[str]:
    return [str(r[0])[:80] for r in con.execute(f"{sql} limit {EXAMPLES}").fetchall()]


def _reasons(con) -> list[dict]:
    rows = con.execute("""select reason, count(*), list(message order by seq)[1:3] from _check
                          where reason is not null and not dup group by 1 order by 2 desc""").fetchall()
    return [{"reason": r, "records": n, "examples": ex} for r, n, ex in rows]


def _unmapped_skus(con, m: Mapping, wh: str | None) -> dict:
    aliases = read_aliases()  # noqa: F841 - read by name in the SQL below
    known = "select channel_sku from aliases where channel = $c"
    if wh:
        known += " union select channel_sku from wh.hub.sku_map where channel = $c"
    rows = con.execute(
        f"""select sku, count(*) from (select unnest(line_sku) as sku from _check where reason is null)
        where sku not in ({known}) group by 1 order by 2 desc, 1""",
        {"c": m.channel},
    ).fetchall()
    return {
        "checked_against": "alias file" + (" + warehouse hub.sku_map" if wh else " only (no warehouse found)"),
        "distinct": len(rows),
        "top": rows[:20],
    }


def _accounting(con, rows: int) -> dict:
    r = con.execute("""select count(*), count(*) filter (where dup),
                              count(*) filter (where not dup and reason is not null),
                              count(*) filter (where not dup and reason is null),
                              sum(n_rows), sum(n_rows) filter (where dup),
                              sum(n_rows) filter (where not dup and reason is not null),
                              coalesce(sum(len(line_sku)) filter (where not dup and reason is null), 0)
                       from _check""").fetchone()
    return {
        "received": r[0],
        "stored": r[3],
        "deduplicated": r[1],
        "quarantined": r[2],
        "report_rows": rows,
        "rows_deduplicated": r[5] or 0,
        "rows_quarantined": r[6] or 0,
        "lines_stored": r[7],
    }
