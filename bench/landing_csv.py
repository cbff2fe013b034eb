"""Landing a 1M-row row-per-line CSV report, against a bare DuckDB read_csv of the same file.

    python bench/landing_csv.py [--rows 1000000] [--memory-limit 640MB]

1. (untimed) writes a seller-center-like sales report: one row per order line (1-4 lines per order), 13 columns
   (order id, line, SKU, status, price, freight, four times, buyer, state, city, title), UTF-8, "," separated.
2. (a) bare `read_csv` of the file into a DuckDB table (all columns as text).
3. (b) OrderHub's landing of the dropped file with a `group_by` mapping, as the raw asset runs it
   (orderhub.ingest.fileland.land_dropped): read (DuckDB's reader, blank lines dropped), records (the order's rows
   as one record), privacy split (orderhub/privacy: declared fields tokenized, the safety net's scan of every
   record), hash + dedupe (md5 content hash), standardize (the compiled mapping, every row parsed and checked),
   write (raw + facts + accounting in one transaction), the file archived. Printed per stage, with rows/s, the
   ratio to (a), and peak RSS.

(a) and (b) each run in a child process of their own, so each peak RSS is that step's alone. The landing's DuckDB
memory limit is set as an operator sets it (ORDERHUB_DUCKDB_MEMORY_LIMIT, applied by orderhub.warehouse.connect),
(a)'s with `set memory_limit`; the peak RSS of (b) is that limit plus the Python process (~150 MB with its imports)
and allocator slack.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

os.environ.setdefault("ORDERHUB_PII_SALT", "bench-salt")  # landing tokenizes personal fields with it

MAPPING = """
name: bench_lines
channel: bench
source: file
default_shop_id: bench-shop
zone: Asia/Shanghai
currency: CNY
first_day: 2020-01-01
time: {format: ["%Y-%m-%d %H:%M:%S"]}
file:
  folder: bench
  group_by: order_id
order:
  channel_order_id: order_id
  created_at: created
  paid_at: paid
  shipped_at: shipped
  completed_at: completed
  source_updated_at: {compute: "greatest(created_at, paid_at, shipped_at, completed_at)"}
  total_fen: {path: price, agg: sum}
  freight_fen: {path: freight, agg: sum}
  paid_fen: {compute: "total_fen + freight_fen"}
  buyer_id: buyer
  receiver_province: state
  receiver_city: city
status:
  path: status
  map: {delivered: completed, shipped: shipped, paid: paid, created: pending_payment, canceled: cancelled}
lines:
  channel_sku: sku
  quantity: {default: 1}
  unit_price_fen: price
"""


def write_report(path: Path, rows: int) -> tuple[int, int]:
    con = duckdb.connect()
    ts = "strftime(timestamp '2026-06-01' + to_seconds(({o} * 7919) % 15552000 + {add}), '%Y-%m-%d %H:%M:%S')"
    con.execute(f"""copy (
        with orders as (select o, (1 + hash(o) % 4)::bigint as n from range(0, {rows}) t(o)),
        lines as (select o, unnest(range(1, n + 1)) as line from orders)
        select printf('%08x%08x', o, hash(o) % 4294967295) as order_id, line,
               printf('SKU-%05d', hash(o, line) % 6000) as sku,
               ['delivered', 'delivered', 'delivered', 'shipped', 'paid', 'canceled'][(1 + hash(o) % 6)::bigint]
                   as status,
               printf('%d.%02d', 5 + hash(o, line, 1) % 500, hash(o, line, 2) % 100) as price,
               printf('%d.%02d', hash(o, 3) % 30, hash(o, 4) % 100) as freight,
               {ts.format(o="o", add=0)} as created, {ts.format(o="o", add=600)} as paid,
               {ts.format(o="o", add=86400)} as shipped, {ts.format(o="o", add=5 * 86400)} as completed,
               printf('buyer%07d', hash(o, 5) % 500000) as buyer,
               ['SP', 'RJ', 'MG', 'RS'][(1 + hash(o) % 4)::bigint] as state,
               'São Paulo' as city, '保温杯 500ml' as title
        from lines limit {rows}) to '{path}' (header)""")
    n_rows, orders = con.execute(f"select count(*), count(distinct order_id) from read_csv('{path}')").fetchone()
    con.close()
    return n_rows, orders


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare(drop: Path, memory_limit: str) -> dict:
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{memory_limit}'")
    t, c = time.perf_counter(), cpu()
    con.execute(f"create table bare as select * from read_csv('{drop}', all_varchar = true)")
    out = {"wall": time.perf_counter() - t, "cpu": cpu() - c}
    con.close()
    return out | {"rss": peak_mb()}


def landing(drop: Path, memory_limit: str) -> dict:
    from orderhub import settings, warehouse
    from orderhub.ingest.fileland import land_dropped
    from orderhub.ingest.pull import PullReport
    from orderhub.stages import recording

    paths = settings.paths()
    os.environ[warehouse.MEMORY_ENV] = memory_limit  # the operators' setting, applied by the warehouse connection
    con = warehouse.connect(paths.warehouse)
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    report = PullReport()
    t, c = time.perf_counter(), cpu()
    with recording() as stages:
        land_dropped(
            con, [drop], landing=paths.landing, archive=paths.archive, workdir=paths.home / "tmp", report=report
        )
    wall, used = time.perf_counter() - t, cpu() - c
    assert not report.errors, report.errors
    (b,) = report.batches
    con.close()
    batch = {k: getattr(b, k) for k in ("received", "stored", "deduplicated", "quarantined", "rows", "lines_stored")}
    return {"wall": wall, "cpu": used, "rss": peak_mb(), "stages": stages, "batch": batch, "limit": limit}


def child(step: str, drop: Path, memory_limit: str) -> dict:
    """Run one step in a fresh interpreter (its own peak RSS); it prints its figures as the last line."""
    cmd = [sys.executable, __file__, "--step", step, "--file", str(drop), "--memory-limit", memory_limit]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{step} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--memory-limit", default="640MB")
    ap.add_argument("--step", choices=("bare", "landing"), help=argparse.SUPPRESS)  # a child's own step
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps((bare if args.step == "bare" else landing)(args.file, args.memory_limit)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        home, own = tmp / "home", tmp / "mappings"
        own.mkdir()
        (own / "bench_lines.yaml").write_text(MAPPING, encoding="utf-8")
        os.environ.update({"ORDERHUB_HOME": str(home), "ORDERHUB_MAPPINGS_DIR": str(own)})
        from orderhub import settings

        paths = settings.paths().ensure()
        (paths.landing / "bench").mkdir()
        drop = paths.landing / "bench" / "report.csv"
        t = time.perf_counter()
        n_rows, orders = write_report(drop, args.rows)
        size = drop.stat().st_size
        print(
            f"wrote {n_rows:,} rows ({orders:,} orders), {size / 1e6:,.0f} MB CSV in {time.perf_counter() - t:.1f}s"
            " (untimed)"
        )
        print(f"load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        a = child("bare", drop, args.memory_limit)
        print(
            f"(a) bare read_csv                {a['wall']:6.2f}s {n_rows / a['wall']:>10,.0f} rows/s"
            f"  cpu {a['cpu']:6.2f}s  peak RSS {a['rss']:,.0f} MiB"
        )
        b = child("landing", drop, args.memory_limit)
        wall, used = b["wall"], b["cpu"]
        print(
            f"(b) landing                      {wall:6.2f}s {n_rows / wall:>10,.0f} rows/s  cpu {used:6.2f}s"
            f"  peak RSS {b['rss']:,.0f} MiB\n    vs (a): wall {wall / a['wall']:.2f}x cpu {used / a['cpu']:.2f}x"
        )
        totals: dict[str, list[float]] = {}
        for name, w, c in b["stages"]:
            totals.setdefault(name, [0.0, 0.0])
            totals[name][0] += w
            totals[name][1] += c
        totals["other (plan, checks)"] = [
            wall - sum(v[0] for v in totals.values()),
            used - sum(v[1] for v in totals.values()),
        ]
        for name, (w, c) in totals.items():
            print(f"    {name:<28} {w:6.2f}s  cpu {c:6.2f}s  ({c / used:4.0%} of the cpu)")
        # the machine may be shared: CPU seconds say what 2 cores of our own would do (both kept busy)
        print(f"    CPU-bound rate on 2 cores: {n_rows / (used / 2):,.0f} rows/s (rows / (cpu s / 2)); target 100,000")
        n = b["batch"]
        print(
            f"    received {n['received']:,} orders = stored {n['stored']:,} + deduplicated {n['deduplicated']:,} + "
            f"quarantined {n['quarantined']:,}; rows {n['rows']}; lines stored {n['lines_stored']:,}"
        )
    print(f"load average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"peak RSS: (a) {a['rss']:,.0f} MiB, (b) {b['rss']:,.0f} MiB, each in its own process"
        f" (target (b) < 1.5 GB = {1.5e9 / 2**20:,.0f} MiB); DuckDB memory_limit {args.memory_limit} = {b['limit']}"
    )


if __name__ == "__main__":
    main()
