"""The legacy ERP: a SQLite file holding the item master, channel SKU map and wholesale sales orders.

`sync(now)` upserts every wholesale order visible at `now`; a row whose content changed gets
`is_synced = 0` again (unchanged rows keep the bridge's flag), so re-running is harmless.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np

from simulator import lifecycle as lc
from simulator.catalog import CHANNEL_SKU_FORMAT, N_SKUS
from simulator.channels import common as c
from simulator.timeutil import bj

SCHEMA = """
create table if not exists erp_items(sku_code text primary key, title text, category text, price_yuan text,
  pack_size integer, moq integer, lead_time_days integer, supplier_code text, updated text);
create table if not exists erp_channel_skus(channel text, channel_sku text, sku_code text,
  primary key(channel, channel_sku));
create table if not exists so_header(id integer primary key, order_no text unique, shop_code text, cust_name text,
  cust_phone text, province text, city text, address text, status text, amount text, freight text, discount text,
  order_time text, pay_time text, ship_time text, done_time text, update_time text, is_synced integer not null
  default 0);
create table if not exists so_line(order_no text, line_no integer, sku_code text, qty integer, price text,
  primary key(order_no, line_no));
"""
STATUS = {
    lc.WAIT_PAY: "NEW",
    lc.PAID: "PAID",
    lc.PICKED: "PAID",
    lc.PART_SHIPPED: "SHIPPED",
    lc.SHIPPED: "SHIPPED",
    lc.DONE: "DONE",
    lc.CANCELLED: "CANCEL",
    lc.REFUNDED: "REFUND",
}
FMT = "%Y/%m/%d %H:%M:%S"
UPSERT = """insert into so_header(order_no, shop_code, cust_name, cust_phone, province, city, address, status, amount,
  freight, discount, order_time, pay_time, ship_time, done_time, update_time, is_synced)
  values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)
  on conflict(order_no) do update set status=excluded.status, pay_time=excluded.pay_time, ship_time=excluded.ship_time,
  done_time=excluded.done_time, update_time=excluded.update_time, amount=excluded.amount, is_synced=0
  where so_header.update_time is not excluded.update_time or so_header.status is not excluded.status"""


def default_path() -> Path:
    return Path(os.environ.get("ORDERHUB_HOME", ".orderhub")).resolve() / "erp" / "legacy_erp.sqlite"


def legacy_yuan(fen: int) -> str:
    """The ERP stores yuan as free text without trailing zeros ("1290.5", "88")."""
    s = c.yuan(fen).rstrip("0").rstrip(".")
    return s or "0"


class Erp:
    def __init__(self, world, path: str | Path | None = None):
        self.world = world
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rows_written = 0
        with self._connect() as con:
            con.executescript(SCHEMA)
            self._master(con)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("pragma journal_mode=wal")
        return con

    def _master(self, con: sqlite3.Connection) -> None:
        cat = self.world.catalog
        updated = bj(self.world.start_now - 400 * 86400, FMT)
        con.executemany(
            "insert or replace into erp_items values (?,?,?,?,?,?,?,?,?)",
            [
                (
                    r.sku_code,
                    r.title,
                    r.category,
                    legacy_yuan(r.price_fen),
                    r.pack_size,
                    r.moq,
                    r.lead_time_days,
                    r.supplier_code,
                    updated,
                )
                for r in cat.itertuples()
            ],
        )
        con.executemany(
            "insert or ignore into erp_channel_skus values (?,?,?)",
            [
                (ch, fmt.format(i + 1), f"SKU-{i + 1:05d}")
                for ch, fmt in CHANNEL_SKU_FORMAT.items()
                for i in range(N_SKUS)
            ],
        )

    def sync(self, now: float | None = None) -> int:
        """Upsert every visible wholesale order; returns how many rows were inserted or changed."""
        w = self.world
        with w.lock:
            now = w.now() if now is None else now
            st = w.state(now)
            rows = w.channel_rows("erp")
            rows = rows[st["visible"].to_numpy()[rows]]
            o = w.orders.iloc[rows]
            step, mod = st["step"].to_numpy()[rows], st["modified"].to_numpy()[rows]
            late = o["late_s"].to_numpy()

            def vis(col: str) -> list:
                v = o[col].to_numpy()
                return [bj(x, FMT) if x + lt <= now else None for x, lt in zip(v, late)]

            paid, ship, done = vis("paid"), vis("ship1"), vis("done")
            nos = [c.erp_order_no(int(k)) for k in o["key"].to_numpy()]
            profiles = c.buyer_profiles(o["buyer"].to_numpy(), o["prov"].to_numpy())
            fen = {k: o[k].to_numpy().tolist() for k in ("pay_fen", "post_fen", "discount_fen", "created")}
            heads = [
                (
                    no,
                    "erp-wholesale",
                    f"{b['city'][:-1]}{b['name']}商贸有限公司",
                    b["phone"],
                    b["province"],
                    b["city"],
                    f"{b['district']}{b['address']}",
                    STATUS[int(step[i])],
                    legacy_yuan(fen["pay_fen"][i]),
                    legacy_yuan(fen["post_fen"][i]),
                    legacy_yuan(fen["discount_fen"][i]),
                    bj(fen["created"][i], FMT),
                    paid[i],
                    ship[i],
                    done[i],
                    bj(mod[i], FMT),
                )
                for i, (no, b) in enumerate(zip(nos, profiles))
            ]
            pos = np.full(len(w.orders), -1)
            pos[rows] = np.arange(len(rows))
            mine = pos[w.line_owner] >= 0
            ls = w.lines[mine]
            lines = [
                (nos[p], int(ln) + 1, f"SKU-{int(sku) + 1:05d}", int(q), legacy_yuan(int(pr)))
                for p, ln, sku, q, pr in zip(
                    pos[w.line_owner][mine], ls["line_no"], ls["sku"], ls["qty"], ls["price_fen"]
                )
            ]
        with self._connect() as con:
            before = con.total_changes
            con.executemany(UPSERT, heads)
            changed = con.total_changes - before
            con.executemany("insert or ignore into so_line values (?,?,?,?,?)", lines)
        self.rows_written += changed
        return changed

    def unsynced(self) -> int:
        with self._connect() as con:
            return int(con.execute("select count(*) from so_header where is_synced = 0").fetchone()[0])


def count_rows(path: str | Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        return {
            t: int(con.execute(f"select count(*) from {t}").fetchone()[0])
            for t in ("erp_items", "erp_channel_skus", "so_header", "so_line")
        }
