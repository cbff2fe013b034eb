"""Standardization speed: 1M mixed-channel raw orders -> hub tables, against a bare DuckDB read_json.

    python bench/standardize.py [--orders 1000000] [--updated-share 0.3] [--memory-limit 1GB]

1. (untimed, child process) generates N orders as newline-delimited JSON, one raw landing envelope per
   line: {"mapping": ..., "shop_id": ..., "record": <the platform's record>} for Taobao 40%, Douyin 30%,
   PDD 20%, ERP 10%, 1-3 lines each, shapes as in simulator/API.md; with --updated-share, that share of
   the orders also has a later version (one status step on), so the hub walks their versions.
2. (a) bare `read_json` of the file into a DuckDB table.
3. (b) OrderHub's full path, printed per stage: (b1) landing (md5 content hash, dedupe against raw,
   compiled-mapping standardization, insert into raw.channel_orders + raw.channel_order_facts); (b2)
   standardization raw -> hub: build_hub for every order date (hub.orders, hub.order_lines,
   hub.order_status_history, from the facts); (b2') the same rebuild again, which replaces every row.
Prints orders/s, the ratio (b)/(a) and the peak RSS of this process (the generator runs in a child).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ORDERHUB_PII_SALT", "bench-salt")  # landing tokenizes personal fields with it

import duckdb

from orderhub import warehouse
from orderhub.ingest.landing import land_sql
from orderhub.standardize.hub import build_hub

SHARES = {"taobao_api": 0.4, "douyin_api": 0.3, "pdd_api": 0.2, "erp": 0.1}
SHOPS = {
    "taobao_api": ("api", "taobao", "tb-flagship"),
    "douyin_api": ("api", "douyin", "dy-official"),
    "pdd_api": ("api", "pdd", "pdd-store"),
    "erp": ("erp", "erp", "erp-wholesale"),
}

# created: 90 days before 2026-11-25 (epoch 1764028800); pseudo-random but deterministic per id
BASE = """select i, 1764028800 - (hash(i, 1) % 7776000)::bigint as created, (1 + hash(i, 2) % 3)::int as n_lines,
       (hash(i, 3) % 6)::int as st, (100 + hash(i, 4) % 50000)::bigint as unit, (1 + hash(i, 5) % 3)::bigint as qty,
       0 as upd from range({lo}, {hi}) t(i)"""
# a later version of the same order (modified 2 h later, one step further on the main path): the hub walks
# these orders' versions through the state machine instead of writing them straight from their one fact
UPDATED = """select * replace (case when st < 3 then st + 1 else st end as st, 3600 as upd)
       from ({base}) where hash(i, 7) % 1000 < {permille}"""
BJ = "strftime(to_timestamp({e}) + interval 8 hour, '%Y-%m-%d %H:%M:%S')"
YUAN = "printf('%d.%02d', ({f}) // 100, ({f}) % 100)"
RECORDS = {
    "taobao_api": f"""json_object('tid', 2600000000000000 + i, 'tid_str', (2600000000000000 + i)::varchar,
        'status', ['WAIT_BUYER_PAY','WAIT_SELLER_SEND_GOODS','WAIT_BUYER_CONFIRM_GOODS','TRADE_FINISHED',
                   'TRADE_CLOSED_BY_TAOBAO','TRADE_CLOSED'][(st + 1)::int],
        'created', {BJ.format(e="created")}, 'modified', {BJ.format(e="created + 3600 + upd")},
        'pay_time', {BJ.format(e="created + 60")}, 'total_fee', {YUAN.format(f="unit * qty * n_lines")},
        'discount_fee', '0.00', 'post_fee', '0.00', 'payment', {YUAN.format(f="unit * qty * n_lines")},
        'buyer_open_uid', 'AAH' || (i % 50000)::varchar, 'buyer_nick', 't**8', 'receiver_name', '王小明',
        'receiver_mobile', '13812345678', 'receiver_state', '浙江省', 'receiver_city', '杭州市',
        'receiver_district', '西湖区', 'receiver_address', '文三路 100 号',
        'orders', json_object('order', list_transform(range(n_lines), lambda k: json_object('oid', i * 10 + k,
            'outer_sku_id', printf('SKU-%05d', 1 + (i + k) % 300), 'title', '商品', 'price', {YUAN.format(f="unit")},
            'num', qty, 'payment', {YUAN.format(f="unit * qty")}, 'status', 'WAIT_SELLER_SEND_GOODS'))))""",
    "douyin_api": """json_object('order_id', (6920000000000000000 + i)::varchar,
        'order_status', [1, 105, 3, 5, 4, 2][(st + 1)::int],
        'create_time', created, 'update_time', created + 3600 + upd, 'pay_time', created + 60, 'ship_time', 0,
        'finish_time', 0, 'order_amount', unit * qty * n_lines, 'pay_amount', unit * qty * n_lines,
        'post_amount', 0, 'promotion_amount', 0, 'doudian_open_id', 'dy' || (i % 50000)::varchar,
        'mask_post_receiver', '张*', 'mask_post_tel', '138****1234',
        'mask_post_addr', json_object('province', json_object('name', '广东省'), 'city', json_object('name', '深圳市'),
                                      'detail', '***'),
        'after_sale_info', json_object('refund_status', 0),
        'sku_order_list', list_transform(range(n_lines), lambda k: json_object('order_id', (i * 10 + k)::varchar,
            'code', printf('DY%05d', 1 + (i + k) % 300), 'out_sku_id', '0', 'product_name', '商品', 'item_num', qty,
            'origin_amount', unit, 'pay_amount', unit * qty, 'order_status', 2,
            'after_sale_info', json_object('refund_status', 0))))""",
    "pdd_api": f"""json_object('order_sn', printf('261125-%015d', i), 'order_status', [1, 1, 2, 3, 2, 1][(st + 1)::int],
        'refund_status', 1, 'confirm_status', 1, 'created_time', {BJ.format(e="created")},
        'confirm_time', {BJ.format(e="created + 60")}, 'updated_at', {BJ.format(e="created + 3600 + upd")},
        'goods_amount', {YUAN.format(f="unit * qty * n_lines")}, 'discount_amount', '0.00', 'postage', '0.00',
        'pay_amount', {YUAN.format(f="unit * qty * n_lines")}, 'receiver_name', '赵*', 'receiver_phone', '139****0000',
        'province', '四川省', 'city', '成都市', 'town', '武侯区', 'address', '***',
        'buyer_open_id', 'p' || (i % 50000)::varchar,
        'item_list', list_transform(range(n_lines), lambda k: json_object('goods_id', k, 'outer_id',
            printf('PDD-%05d', 1 + (i + k) % 300), 'goods_name', '商品', 'goods_count', qty,
            'goods_price', {YUAN.format(f="unit")})))""",
    "erp": f"""json_object('id', i, 'order_no', printf('WS%012d', i), 'shop_code', 'erp-wholesale',
        'cust_name', '某公司',
        'cust_phone', '0571-8888' || (i % 10000)::varchar, 'province', '江苏省', 'city', '南京市', 'address', 'x路1号',
        'status', ['NEW','PAID','SHIPPED','DONE','CANCEL','REFUND'][(st + 1)::int],
        'amount', {YUAN.format(f="unit * qty * n_lines")}, 'freight', '0', 'discount', '0',
        'order_time', strftime(to_timestamp(created) + interval 8 hour, '%Y/%m/%d %H:%M:%S'),
        'update_time', strftime(to_timestamp(created + 3600 + upd) + interval 8 hour, '%Y/%m/%d %H:%M:%S'),
        'is_synced', 0,
        'lines', list_transform(range(n_lines), lambda k: json_object('order_no', printf('WS%012d', i),
            'line_no', k + 1,
            'sku_code', printf('SKU-%05d', 1 + (i + k) % 300), 'qty', qty, 'price', {YUAN.format(f="unit")})))""",
}


def generate(path: Path, n: int, updated_share: float = 0.0) -> None:
    con = duckdb.connect()
    lo = 0
    parts = []
    for mapping, share in SHARES.items():
        hi = lo + int(n * share) if mapping != "erp" else n
        base = BASE.format(lo=lo, hi=hi)
        sources = [base] + ([UPDATED.format(base=base, permille=round(updated_share * 1000))] if updated_share else [])
        for k, source in enumerate(sources):
            part = path.with_suffix(f".{mapping}.{k}.json")
            con.execute(f"""copy (select {mapping!r} as mapping, {SHOPS[mapping][2]!r} as shop_id,
                            {RECORDS[mapping]} as record from ({source})) to '{part}' (format json)""")
            parts.append(part)
        lo = hi
    with path.open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())
            part.unlink()


def cpu_s() -> float:
    """CPU seconds of this process (all threads): the figure that does not depend on other load."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument(
        "--updated-share",
        type=float,
        default=0.0,
        help="share of orders that also get a later version (status one step on, modified 2 h later)",
    )
    ap.add_argument("--generate-only", type=Path)
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit for the OrderHub run")
    args = ap.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.orders, args.updated_share)
        return
    tmp = Path(tempfile.mkdtemp(prefix="orderhub-bench-"))
    data = tmp / "orders.ndjson"
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--orders",
            str(args.orders),
            "--updated-share",
            str(args.updated_share),
            "--generate-only",
            str(data),
        ],
        check=True,
    )
    size_mb = data.stat().st_size / 1e6
    print(f"generated {args.orders:,} orders, {size_mb:,.0f} MB NDJSON in {time.perf_counter() - t:.1f}s (untimed)")

    bare = duckdb.connect(str(tmp / "bare.duckdb"))
    t, c = time.perf_counter(), cpu_s()
    # mixed channels have no common schema: the record is read as JSON (each line still fully parsed)
    bare.execute(
        f"create table t as select * from read_json('{data}', format='newline_delimited', "
        f"columns={{'mapping': 'VARCHAR', 'shop_id': 'VARCHAR', 'record': 'JSON'}})"
    )
    rows = bare.execute("select count(*) from t").fetchone()[0]
    t_read, c_read = time.perf_counter() - t, cpu_s() - c
    bare.close()
    orders = args.orders  # rates are per order; with --updated-share the file holds more records than orders
    print(
        f"{'(a) bare read_json':38s} {t_read:6.2f}s {orders / t_read:>10,.0f} orders/s  cpu {c_read:6.2f}s"
        f"  ({rows:,} records)"
    )

    con = warehouse.connect(tmp / "warehouse.duckdb")
    # bound DuckDB's memory (it spills temp tables beyond it); the default is 80% of RAM
    con.execute(f"set memory_limit = '{args.memory_limit}'")
    con.execute("set preserve_insertion_order = false")
    t, c = time.perf_counter(), cpu_s()
    # the envelope has a fixed schema: read it with explicit columns. The record stays JSON-typed (parsed and
    # valid: raw stores it without validating it again); the table's rowid is the stable unique seq land_sql
    # needs (row_number() would serialize the parallel read)
    con.execute(
        f"create temp table _bench_in as select mapping, shop_id, record as record_text "
        f"from read_json('{data}', format='newline_delimited', "
        f"columns={{'mapping': 'VARCHAR', 'shop_id': 'VARCHAR', 'record': 'JSON'}})"
    )
    stored = 0
    for mapping, (source, channel, shop) in SHOPS.items():
        res = land_sql(
            con,
            f"select rowid as seq, record_text from _bench_in where mapping = '{mapping}'",
            source=source,
            channel=channel,
            shop_id=shop,
            mapping=mapping,
        )
        stored += res.stored
    t_land, c_land = time.perf_counter() - t, cpu_s() - c
    # the staged file is the landing's input only (a landed batch is gone in production): free its memory
    con.execute("drop table _bench_in")
    t, c = time.perf_counter(), cpu_s()
    hub = build_hub(con, date(2020, 1, 1), date(2030, 12, 31), "bench-salt")
    t_hub, c_hub = time.perf_counter() - t, cpu_s() - c
    # the steady state: the same window rebuilt again replaces every row (delete + insert in one transaction)
    t, c = time.perf_counter(), cpu_s()
    build_hub(con, date(2020, 1, 1), date(2030, 12, 31), "bench-salt")
    t_re, c_re = time.perf_counter() - t, cpu_s() - c
    total, c_total = t_land + t_hub, c_land + c_hub

    def line(label: str, wall: float, cpu: float, note: str = "") -> None:
        print(
            f"{label:38s} {wall:6.2f}s {orders / wall:>10,.0f} orders/s  cpu {cpu:6.2f}s  "
            f"vs (a): wall {wall / t_read:4.2f}x cpu {cpu / c_read:4.2f}x  {note}"
        )

    line("(b1) landing (hash, dedupe, validate)", t_land, c_land, f"(stored {stored:,} into raw + facts)")
    line(
        "(b2) standardization (raw -> hub)",
        t_hub,
        c_hub,
        f"({hub.orders:,} orders, {hub.lines:,} lines, {hub.transitions:,} transitions)",
    )
    line("(b2') rebuild again (window replaced)", t_re, c_re)
    line("(b) landing + standardization", total, c_total)
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(f"peak RSS: {peak_rss_mb():,.0f} MB   DuckDB threads: {threads}")
    con.close()
    shutil.rmtree(tmp)  # the warehouse, its protected store (a folder) and the input


if __name__ == "__main__":
    main()
