"""The simulated seller: catalogue, orders of every shop, a virtual clock, and views "as of now"."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator import generate, lifecycle
from simulator.catalog import PROVINCES, WAREHOUSES, build_catalog
from simulator.timeutil import DAY, day_number

SRC_CHANNEL = {"tb": "taobao", "dy": "douyin", "pdd": "pdd", "jd": "jd", "tm": "taobao", "erp": "erp"}
SRC_SHOP = {
    "tb": "tb-flagship",
    "dy": "dy-official",
    "pdd": "pdd-store",
    "jd": "jd-pop",
    "tm": "tm-outlet",
    "erp": "erp-wholesale",
}
SRC_CODE = {s: i for i, s in enumerate(generate.SOURCES)}
WH_OF_PROVINCE = np.array([WAREHOUSES.index("WH-" + v[2]) for v in PROVINCES.values()])


@dataclass
class Clock:
    """Virtual now = fixed base + admin advances (+ wall time × speed in live mode)."""

    base: float
    live: bool = False
    speed: float = 1.0
    offset: float = 0.0
    wall0: float = field(default_factory=time.monotonic)

    def now(self) -> float:
        live = (time.monotonic() - self.wall0) * self.speed if self.live else 0.0
        return float(int(self.base + self.offset + live))

    def advance(self, seconds: float) -> float:
        self.offset += float(seconds)
        return self.now()


class Row:
    __slots__ = ("cols", "r")

    def __init__(self, cols: dict[str, np.ndarray], r: int):
        self.cols, self.r = cols, r

    def __getitem__(self, col: str):
        return self.cols[col][self.r]


class World:
    def __init__(
        self,
        seed: int = 7,
        days: int = 90,
        now: float | None = None,
        golive_days_ago: int = 30,
        live_rate: float = 0.0,
        speed: float = 1.0,
    ):
        self.seed, self.days = int(seed), int(days)
        base = float(int(time.time() // 60 * 60)) if now is None else float(int(now))
        self.start_now = base
        self.clock = Clock(base=base, live=live_rate > 0, speed=speed)
        self.live_rate = float(live_rate)
        self.golive = base - golive_days_ago * DAY
        self.first_day = day_number(base - days * DAY)
        self.catalog = build_catalog(self.seed)
        self.titles = self.catalog["title"].to_numpy(dtype=object)
        self.titles_py: list[str] = self.titles.tolist()
        self.lock = threading.RLock()
        self._chunks: dict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._touched: dict[int, float] = {}  # order key -> modified bump (mutate-while-paging fault)
        self._built_until = -np.inf
        # look-ahead: live chunks can be big (R orders per wall second), so only an hour or two ahead
        self._margin = 2 * 3600.0 if live_rate > 0 else DAY / 2
        self.orders = self.lines = pd.DataFrame()
        self._state_cache: tuple[float, int, pd.DataFrame] | None = None
        self._scols: dict[str, np.ndarray] = {}
        self._windows: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}  # per state: sorted listing
        self.refund_index: dict = {}  # channels.common.refund_rows: per instant, each shop's sorted after-sales
        self.ensure(base)

    # ---- generation -------------------------------------------------------------------------------
    def ensure(self, until: float) -> None:
        """Make sure every chunk that can hold orders created before `until` + a look-ahead margin exists."""
        with self.lock:
            if until + self._margin / 2 <= self._built_until:
                return
            horizon = until + self._margin
            for day in range(self.first_day, day_number(horizon) + 1):
                if ("d", day) not in self._chunks:
                    self._chunks[("d", day)] = generate.day_chunk(self.seed, day, self.catalog, self.golive)
            if self.live_rate > 0:
                rate = self.live_rate / max(self.clock.speed, 1e-9)  # R per wall second → per virtual second
                for hour in range(int(self.start_now // 3600), int(horizon // 3600) + 1):
                    if ("h", hour) not in self._chunks:
                        self._chunks[("h", hour)] = generate.live_chunk(
                            self.seed, hour, rate, self.catalog, self.golive
                        )
            self._built_until = horizon
            self._rebuild()

    def _rebuild(self) -> None:
        keys = sorted(self._chunks)
        orders = pd.concat([self._chunks[k][0] for k in keys], ignore_index=True)
        lines = pd.concat([self._chunks[k][1] for k in keys], ignore_index=True)
        # history starts at --days before now; earlier rows of the first day chunk are dropped
        created = orders["created"].to_numpy()
        keep = created >= self.start_now - self.days * DAY
        keep &= (orders["key"].to_numpy() < generate.LIVE_KEY_BASE) | (created >= self.start_now)  # live starts now
        keep_keys = orders["key"].to_numpy()[keep]
        self.orders = orders[keep].reset_index(drop=True)
        self.lines = lines[np.isin(lines["order_key"].to_numpy(), keep_keys)].reset_index(drop=True)
        n = self.orders["n_lines"].to_numpy().astype(np.int64)
        self.orders["line_start"] = np.cumsum(n) - n
        self.line_owner = np.repeat(np.arange(len(self.orders)), n)
        self.order_wh = WH_OF_PROVINCE[self.orders["prov"].to_numpy()]
        self.ocols = {c: self.orders[c].to_numpy() for c in self.orders.columns}
        self.lcols = {c: self.lines[c].to_numpy() for c in self.lines.columns}
        # plain lists of the line columns serializers read per order (list slices beat numpy slices + tolist)
        self.lpy = {c: self.lcols[c].tolist() for c in ("line_no", "sku", "qty", "price_fen", "part1", "unmapped_u")}
        self.key_index = pd.Series(np.arange(len(self.orders)), index=self.orders["key"].to_numpy())
        self.by_src = {s: np.flatnonzero(self.orders["src"].to_numpy() == c) for s, c in SRC_CODE.items()}
        self._state_cache = None

    # ---- views ------------------------------------------------------------------------------------
    def now(self) -> float:
        t = self.clock.now()
        if t > self._built_until - self._margin / 2:
            self.ensure(t)
        return t

    def state(self, now: float | None = None) -> pd.DataFrame:
        """lifecycle.state_at for every order, cached per (now, touches)."""
        with self.lock:
            now = self.now() if now is None else now
            sig = (now, len(self._touched), len(self.orders))
            if self._state_cache is None or self._state_cache[:2] != sig[:2] or self._state_cache[2] is None:
                touched = None
                if self._touched:
                    touched = np.full(len(self.orders), np.nan)
                    idx = self.key_index.reindex(list(self._touched)).to_numpy()
                    touched[idx[~np.isnan(idx)].astype(int)] = [
                        v for v, i in zip(self._touched.values(), idx) if not np.isnan(i)
                    ]
                st = lifecycle.state_at(self.orders, now, touched)
                self._state_cache = (now, len(self._touched), st)
                self._scols = {c: st[c].to_numpy() for c in st.columns}
                self._windows = {}
            return self._state_cache[2]

    def state_cols(self, now: float | None = None) -> dict[str, np.ndarray]:
        """state() as numpy arrays (per-record serializers index them without pandas overhead)."""
        with self.lock:
            self.state(now)
            return self._scols

    def touch(self, key: int, at: float) -> None:
        """An update without a status change (modified moves forward only)."""
        with self.lock:
            self._touched[int(key)] = max(float(at), self._touched.get(int(key), float(at)))
            self._state_cache = None

    def row(self, r: int) -> Row:
        """One order, read-only: `row["paid"]` reads that column lazily (serializers touch few columns)."""
        return Row(self.ocols, int(r))

    def line_slice(self, r: int) -> slice:
        start = int(self.ocols["line_start"][int(r)])
        return slice(start, start + int(self.ocols["n_lines"][int(r)]))

    def order_lines(self, row: int) -> pd.DataFrame:
        return self.lines.iloc[self.line_slice(row)]

    def channel_rows(self, src: str) -> np.ndarray:
        return self.by_src[src]

    def modified_window(
        self, src: str, start: float, end: float, now: float | None = None, paid_only: bool = False
    ) -> np.ndarray:
        """Rows of a shop modified in [start, end), newest-modified first, ties by key (platform paging order)."""
        with self.lock:
            self.state(now)
            idx = self._windows.get((src, paid_only))
            if idx is None:  # once per state: the shop's listable rows sorted by (-modified, key)
                sc, rows = self._scols, self.by_src[src]
                ok = sc["visible"][rows]
                if paid_only:
                    ok = ok & ~np.isnan(self.ocols["paid"][rows]) & (sc["step"][rows] != lifecycle.WAIT_PAY)
                rows = rows[ok]
                neg = -sc["modified"][rows]
                order = np.lexsort((self.ocols["key"][rows], neg))
                idx = self._windows[(src, paid_only)] = (rows[order], neg[order])
            rows, neg = idx
            lo, hi = np.searchsorted(neg, -end, side="right"), np.searchsorted(neg, -start, side="right")
            return rows[lo:hi]
