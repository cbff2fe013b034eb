"""Shared pieces of the platform serializers: money, masking, buyer identity, signatures, page views."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from simulator import lifecycle
from simulator.catalog import DISTRICTS, GIVEN, N_SKUS, PROVINCES, STREETS, SURNAMES, UNMAPPED_CODES, channel_sku
from simulator.channels.ids import (  # noqa: F401  (re-exported for the serializers)
    DY_BASE,
    JD_BASE,
    TB_BASE,
    channel_ids,
    dy_order_id,
    erp_order_no,
    jd_order_id,
    key_from_channel_id,
    pdd_order_sn,
    tb_tid,
)
from simulator.hashing import mix_int

_PROV = list(PROVINCES)


def yuan(fen: int) -> str:
    fen = int(fen)
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def t_or_nan(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def md5_sign(secret: str, params: dict) -> str:
    body = "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")
    return hashlib.md5((secret + body + secret).encode("utf-8")).hexdigest().upper()


def douyin_sign(secret: str, app_key: str, method: str, param_json: str, timestamp: str, v: str) -> str:
    msg = f"{secret}app_key{app_key}method{method}param_json{param_json}timestamp{timestamp}v{v}{secret}"
    return hmac.new(secret.encode(), msg.encode("utf-8"), hashlib.sha256).hexdigest()


def _pick(seq, u: int):
    return seq[int(u) % len(seq)]


def buyer_profiles(buyers, provs) -> list[dict]:
    """Name, phone, address per buyer: a pure function of the buyer id (returning buyers look the same)."""
    return [buyer_profile(b, p) for b, p in zip(np.asarray(buyers).tolist(), np.asarray(provs).tolist())]


@lru_cache(maxsize=1 << 16)
def buyer_profile(buyer: int, prov: int) -> dict:
    """Cached per buyer (returning buyers are common): callers must not mutate the dict."""
    h0, h1, h2, h3, h4, h5 = (mix_int(buyer, 100 + i) for i in range(6))
    province = _PROV[int(prov)]
    return {
        "name": _pick(SURNAMES, h0) + _pick(GIVEN, h1) + (_pick(GIVEN, h2 >> 7) if h2 % 2 else ""),
        "phone": f"1{_pick('3456789', h3)}{h4 % 10**9:09d}",
        "province": province,
        "city": _pick(PROVINCES[province][1], h5),
        "district": _pick(DISTRICTS, h5 >> 9),
        "address": f"{_pick(STREETS, h2 >> 13)}{h3 % 300 + 1}号{h4 % 30 + 1}栋{h0 % 2000 + 101}室",
    }


@lru_cache(maxsize=1 << 16)
def opaque(tag: str, text: str) -> str:
    """A stand-in ciphertext: stable per value, reveals nothing (the platforms' real formats differ)."""
    return "~" + hashlib.sha256(f"{tag}:{text}".encode()).hexdigest()[:40] + "~"


def missing(params: dict, names: tuple[str, ...]) -> str | None:
    """The first required parameter that is absent or empty."""
    return next((n for n in names if params.get(n) in (None, "")), None)


def mask_name(name: str) -> str:
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def open_id(prefix: str, buyer: int) -> str:
    return f"{prefix}{mix_int(buyer, 17) % 16**24:024x}"


@dataclass
class Line:
    line_no: int
    sku: int
    channel_sku: str
    title: str
    qty: int
    price_fen: int
    shipped: bool


@cache
def _codes(channel: str) -> list[str]:
    return channel_sku(channel, np.arange(N_SKUS)).tolist()


def lines_of(world, row: int, channel: str, step: int, unmapped_rate: float = 0.0) -> list[Line]:
    """Lines of order `row` as the platform shows them; with the unmapped_sku_rate fault on, lines whose
    draw is below the rate carry the channel's unmapped listing code."""
    sl = world.line_slice(row)
    lp = world.lpy
    sku = lp["sku"][sl]
    if step in (lifecycle.SHIPPED, lifecycle.DONE):
        shipped = [True] * len(sku)
    elif step == lifecycle.PART_SHIPPED:
        shipped = lp["part1"][sl]
    else:
        shipped = [False] * len(sku)
    all_codes, titles = _codes(channel), world.titles_py
    codes = [all_codes[k] for k in sku]
    if unmapped_rate > 0:
        alt = UNMAPPED_CODES.get(channel, [None])[0]
        codes = [alt if u < unmapped_rate and alt else code for code, u in zip(codes, lp["unmapped_u"][sl])]
    return [
        Line(*v)
        for v in zip(
            lp["line_no"][sl], sku, codes, [titles[k] for k in sku], lp["qty"][sl], lp["price_fen"][sl], shipped
        )
    ]


def page_slice(rows: np.ndarray, page_index0: int, size: int) -> np.ndarray:
    return rows[page_index0 * size : (page_index0 + 1) * size]


def tracking_no(key: int, parcel: int = 0) -> str:
    return f"SF{mix_int(int(key) * 4 + parcel, 23) % 10**13:013d}"


def allocate(line_totals: list[int], discount: int) -> list[int]:
    """Split an order discount over lines in proportion to their value (integer fen, exact sum)."""
    total = sum(line_totals) or 1
    parts = [discount * t // total for t in line_totals]
    if parts:
        parts[-1] += discount - sum(parts)
    return parts


def seen(world, o, col: str, now: float) -> float | None:
    """Event time of order row `o` (a Series) if it is visible at `now`, else None."""
    v = o[col]
    if v is None or math.isnan(v):
        return None
    return float(v) if v + (0.0 if col == "created" else o["late_s"]) <= now else None


def paged(sim, channel: str, compute_rows, page0: int, size: int, end: float) -> tuple[np.ndarray, int]:
    """One page of a newest-first listing, with the paging faults (mutation between pages, duplicates)."""
    rows = compute_rows()
    others = np.r_[rows[: page0 * size], rows[(page0 + 1) * size :]]
    if sim.faults.mutate(channel) and len(others):
        # between two page requests an order on another page is updated: its modified becomes the newest
        # second of the window (now, or end - 1 s for a window that ends by now), so it jumps to the front
        # and the records before it shift back by one position
        pick = others[int(sim.faults._draw(channel) * len(others))]
        sim.world.touch(int(sim.world.orders.at[int(pick), "key"]), min(sim.world.now(), float(int(end) - 1)))
        sim.faults._count("mutate_while_paging")
        rows = compute_rows()
    page = rows[page0 * size : (page0 + 1) * size]
    if page0 > 0 and 0 < page0 * size <= len(rows) and sim.faults.duplicate(channel):
        page = np.concatenate([rows[page0 * size - 1 : page0 * size], page])
    return page, len(rows)


RF_REASON = {0: "不想要了", 1: "七天无理由退货", 2: "发错货", 3: "商品破损", 4: "地址填错"}


def refund_rows(world, src: str, start: float, end: float, now: float) -> tuple[np.ndarray, np.ndarray]:
    """After-sales of a shop whose latest visible step falls in [start, end): rows newest first, modified."""
    cache = world.refund_index
    if cache.get("at") != (now, len(world.orders)):  # one instant only: a live clock would grow it unboundedly
        cache.clear()
        cache["at"] = (now, len(world.orders))
    if src not in cache:  # once per (shop, instant): the shop's after-sales sorted by (-modified, key)
        oc = world.ocols
        rows = world.channel_rows(src)
        late = oc["late_s"][rows]
        req, done = oc["rf_req"][rows], oc["rf_done"][rows]
        mod = np.where(done + late <= now, done, np.where(req + late <= now, req, np.nan))
        ok = ~np.isnan(mod)
        rows, mod = rows[ok], np.floor(mod[ok])
        order = np.lexsort((oc["key"][rows], -mod))
        cache[src] = (rows[order], -mod[order])
    rows, neg = cache[src]
    lo, hi = np.searchsorted(neg, -end, side="right"), np.searchsorted(neg, -start, side="right")
    return rows[lo:hi], -neg[lo:hi]


def refund_page(world, src: str, start: float, end: float, first: int, size: int, keep=None) -> tuple[list[tuple], int]:
    """One page of refund_rows from index `first` (the caller holds world.lock): (order row, after-sales
    step, modified) each, and the total the platform reports. `keep(rows) -> mask` filters (e.g. by type)."""
    now = world.now()
    rows, mods = refund_rows(world, src, start, end, now)
    if keep is not None:
        mask = keep(rows)
        rows, mods = rows[mask], mods[mask]
    steps = world.state_cols(now)["rf_step"]
    page = [
        (world.row(int(r)), int(steps[int(r)]), m)
        for r, m in zip(rows[first : first + size], mods[first : first + size])
    ]
    return page, len(rows)
