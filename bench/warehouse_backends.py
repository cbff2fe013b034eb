"""Warehouse backends side by side, one run, the same data: the DuckDB file vs DuckLake (SQLite catalog; PostgreSQL
catalog where a server can be started here).

    python bench/warehouse_backends.py [--orders 1000000] [--cycles 5] [--cycle-orders 300]
                                       [--backends duckdb,sqlite,postgres]

Per backend, in a fresh folder (the generator and the records are bench/standardize.py's: Taobao/Douyin/PDD/ERP
shapes, personal fields included, so the landing's personal-data split is part of the cost):
1. landing of N records into raw + facts (hash, dedupe, personal-data split, validation, standardization);
2. the hub rebuild of N orders (every order date), as build_hub runs it;
3. a 5-minute ingest cycle, as the schedule runs it: `--cycle-orders` new Taobao orders and the previous cycle's
   orders one status step on, landed, then the days they touch rebuilt (median of `--cycles`);
4. a reader while a writer runs those cycles in another process: query latency (p50/p95) and failed reads. On the
   file the reader can only open the copy published after each cycle (the publish is timed as part of the
   cycle's cost to reach analysts); on a lake it attaches the live lake read-only.
Prints a table with ratios to the DuckDB file. The personal-data key is a bench value.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "lake"))
os.environ.setdefault("ORDERHUB_PII_SALT", "bench-salt")

import duckdb  # noqa: E402
from standardize import BASE, RECORDS, SHOPS, generate  # noqa: E402

from orderhub import analysts, publish, warehouse  # noqa: E402
from orderhub.ingest.landing import land_sql  # noqa: E402
from orderhub.standardize.hub import build_hub  # noqa: E402

SALT = "bench-salt"
ALL = (date(2020, 1, 1), date(2030, 12, 31))
EPOCH = 1764028800  # 2026-11-25 00:00 UTC: the generated history ends here, the cycles start here
QUERY = """select order_date, channel, count(*) as orders, sum(paid_fen) as paid_fen
           from hub.orders where order_date >= date '2026-11-18' group by all order by all"""


def cycle_sql(orders: int, cycle_orders: int, c: int) -> str:
    """Cycle c's Taobao records: new orders created in the cycle's 5 minutes, plus cycle c-1's one step on."""
    lo = orders + c * cycle_orders
    fresh = BASE.format(lo=lo, hi=lo + cycle_orders).replace(
        f"{EPOCH} - (hash(i, 1) % 7776000)::bigint", f"{EPOCH + 300 * c} - (hash(i, 1) % 300)::bigint"
    )
    parts = [fresh]
    if c:
        prev = BASE.format(lo=lo - cycle_orders, hi=lo).replace(
            f"{EPOCH} - (hash(i, 1) % 7776000)::bigint", f"{EPOCH + 300 * (c - 1)} - (hash(i, 1) % 300)::bigint"
        )
        parts.append(f"select * replace (least(st + 1, 3) as st, 300 as upd) from ({prev})")
    union = " union all ".join(f"select * from ({p})" for p in parts)
    return f"select row_number() over () as seq, {RECORDS['taobao_api']} as record_text from ({union})"


def run_cycle(con: duckdb.DuckDBPyConnection, orders: int, cycle_orders: int, c: int) -> None:
    land_sql(con, cycle_sql(orders, cycle_orders, c), source="api", channel="taobao", shop_id="tb-flagship",
             mapping="taobao_api")  # fmt: skip
    build_hub(con, date(2026, 11, 24), date(2026, 11, 26), SALT)


def writer_main(target: str, orders: int, cycle_orders: int, first: int, cycles: int, is_file: bool) -> None:
    """The writer process of step 4: cycles back to back; on the file, each followed by a publish."""
    for c in range(first, first + cycles):
        con = warehouse.connect(target)
        try:
            run_cycle(con, orders, cycle_orders, c)
            if is_file:
                publish.publish_readonly(con, target)
        finally:
            con.close()


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def bench_backend(name: str, target: str, data: Path, args, home: Path) -> dict[str, object]:
    os.environ["ORDERHUB_HOME"] = str(home)
    os.environ["ORDERHUB_WAREHOUSE"] = target
    is_file = name == "duckdb"
    con = warehouse.connect(target)
    con.execute("set preserve_insertion_order = false")
    con.execute(
        f"create temp table _in as select mapping, shop_id, record as record_text from read_json('{data}', "
        "format='newline_delimited', columns={'mapping': 'VARCHAR', 'shop_id': 'VARCHAR', 'record': 'JSON'})"
    )
    out: dict[str, object] = {}
    t = time.perf_counter()
    for mapping, (source, channel, shop) in SHOPS.items():
        land_sql(con, f"select rowid as seq, record_text from _in where mapping = '{mapping}'", source=source,
                 channel=channel, shop_id=shop, mapping=mapping)  # fmt: skip
    out["land"] = time.perf_counter() - t
    con.execute("drop table _in")
    out["hub"] = timed(build_hub, con, *ALL, SALT)
    cycles = [timed(run_cycle, con, args.orders, args.cycle_orders, c) for c in range(args.cycles)]
    out["cycle"] = statistics.median(cycles)
    out["publish"] = timed(publish.publish_readonly, con, target) if is_file else 0.0
    con.close()

    proc = subprocess.Popen(
        [sys.executable, __file__, "--writer", target, str(args.orders), str(args.cycle_orders), str(args.cycles),
         str(args.cycles), "1" if is_file else "0"],
    )  # fmt: skip
    lat, failed = [], 0
    view = None
    while proc.poll() is None or not lat:
        t = time.perf_counter()
        try:
            if is_file and view is not None:  # an open copy never changes: newer data needs a new connection
                view.close()
                view = None
            view = view or analysts.connect()
            view.execute(QUERY).fetchall()
            lat.append(time.perf_counter() - t)
        except duckdb.Error as exc:
            failed += 1
            print(f"{name}: failed read: {str(exc)[:200]}")
            view = None
        time.sleep(0.02)
    if view is not None:
        view.close()
    if proc.wait() != 0:
        raise RuntimeError(f"{name}: the writer process failed")
    lat.sort()
    out["reads"], out["failed"] = len(lat), failed
    out["p50"], out["p95"] = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.95))]
    return out


def main() -> None:
    if sys.argv[1:2] == ["--writer"]:
        a = sys.argv[2:]
        writer_main(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), a[5] == "1")
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--cycles", type=int, default=5)
    ap.add_argument("--cycle-orders", type=int, default=300, help="new orders per 5-minute cycle (1/s at peak)")
    ap.add_argument("--backends", default="duckdb,sqlite,postgres")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="orderhub-backends-"))
    data = tmp / "orders.ndjson"
    t = time.perf_counter()
    generate(data, args.orders)
    size = data.stat().st_size / 1e6
    print(f"generated {args.orders:,} orders ({size:,.0f} MB NDJSON) in {time.perf_counter() - t:.0f}s, untimed")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    with ExitStack() as stack:
        for name in args.backends.split(","):
            home = tmp / name
            if name == "duckdb":
                target = f"duckdb://{home}/warehouse.duckdb"
            elif name == "sqlite":
                target = f"ducklake:sqlite://{home}/lake/catalog.sqlite?data={home}/lake/data"
            else:
                from lake_services import postgres

                uri, why = stack.enter_context(postgres())
                if uri is None:
                    print(f"postgres: skipped ({why})")
                    continue
                target = f"ducklake:postgres://{uri}?data={home}/lake/data"
            home.mkdir(parents=True)
            results[name] = bench_backend(name, target, data, args, home)
            print(f"{name}: done", {k: round(v, 3) if isinstance(v, float) else v for k, v in results[name].items()})
    base = results.get("duckdb")
    rows = [
        ("landing of N records", "land"),
        ("hub rebuild of N orders", "hub"),
        ("5-minute ingest cycle (median)", "cycle"),
        ("publish for analysts (file only)", "publish"),
        ("reader query p50 while writing", "p50"),
        ("reader query p95 while writing", "p95"),
    ]
    names = list(results)
    print(f"\n{args.orders:,} orders, {args.cycle_orders} new orders per cycle; seconds (ratio to the DuckDB file)")
    print(f"{'':34s}" + "".join(f"{n:>22s}" for n in names))
    for label, key in rows:
        cells = []
        for n in names:
            v = results[n][key]
            ratio = f" ({v / base[key]:.2f}x)" if base and base[key] and n != "duckdb" else ""
            cells.append(f"{v:10.3f}{ratio:>12s}")
        print(f"{label:34s}" + "".join(cells))
    print(
        f"{'reads / failed reads':34s}"
        + "".join(f"{results[n]['reads']:>14d} / {results[n]['failed']:<5d}" for n in names)
    )
    if base and "sqlite" in results:
        ratio = results["sqlite"]["hub"] / base["hub"]
        verdict = "within" if ratio <= 1.5 else "outside"
        print(f"\nSQLite lake vs file, hub rebuild: {ratio:.2f}x, {verdict} the 1.5x a default lake needs")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
