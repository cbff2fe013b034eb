"""Purchase orders and goods receipts: what is really on order, and what arrived when.

Two kinds of purchase order exist, like at a real seller:
- raised in the ERP by the buyers themselves (source "erp"): every periodic WMS replenishment batch
  (wms.Wms.levels) is the receipt of one such order, placed lead time (+ the delay, when it is late)
  before it arrives. Orders placed but not yet received are open: "on order" that OrderHub never saw;
- raised from OrderHub's accepted purchase suggestions (source "orderhub", `POST /erp/purchase_suggestions`):
  one order per line, delivered to WH-HZ after the SKU's lead time (or late); the receipt adds to stock.
About 15% of deliveries are late by 1-6 days (a per-order hash, so a world stays a pure function of
seed and now): until it arrives such an order is open past its expected date, i.e. overdue.
Served as `GET /erp/purchase_orders` and `GET /wms/receipts` (simulator/API.md).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from simulator.catalog import N_SKUS, WAREHOUSES
from simulator.hashing import unit
from simulator.timeutil import DAY, iso, parse_iso

LATE_SHARE, LATE_DAYS_MAX = 0.15, 6
ORDERHUB_WAREHOUSE = "WH-HZ"
COLUMNS = [
    "po_no",
    "source",
    "supplier_id",
    "warehouse_id",
    "sku_id",
    "quantity",
    "ordered_at",
    "expected_at",
    "received_at",
]


def _late_days(ids: np.ndarray, salt: int) -> np.ndarray:
    late = unit(ids, salt) < LATE_SHARE
    return np.where(late, 1 + np.floor(unit(ids, salt + 1) * LATE_DAYS_MAX), 0.0)


def erp_orders(wms, now: float) -> pd.DataFrame:
    """Every ERP-raised order placed by `now` (one per replenishment batch), received or still open."""
    cat = wms.sim.world.catalog
    lead = np.tile(cat["lead_time_days"].to_numpy(float), len(WAREHOUSES))
    horizon = (lead.max() + LATE_DAYS_MAX) * DAY
    k_max = int(np.ceil((now + horizon - wms.t0) / wms.cycle.min())) + 1
    pair, k = np.meshgrid(np.arange(len(wms.opening)), np.arange(k_max), indexing="ij")
    pair, k = pair.ravel(), k.ravel()
    arrival = wms.t0 + wms.phase[pair] + k * wms.cycle[pair]
    ids = (pair.astype(np.uint64) << np.uint64(20)) + k.astype(np.uint64) + np.uint64(wms.sim.world.seed)
    late = _late_days(ids, 141)
    ordered = arrival - (lead[pair] + late) * DAY
    keep = (ordered <= now) & (wms.batch[pair] > 0) & (arrival >= wms.t0)
    pair, k, arrival, ordered = pair[keep], k[keep], arrival[keep], ordered[keep]
    sku = pair % N_SKUS
    return pd.DataFrame(
        {
            "po_no": [f"PO{p:04d}{j:04d}" for p, j in zip(pair, k)],
            "source": "erp",
            "supplier_id": cat["supplier_code"].to_numpy()[sku],
            "warehouse_id": np.array(WAREHOUSES)[pair // N_SKUS],
            "sku_id": [f"SKU-{s + 1:05d}" for s in sku],
            "quantity": wms.batch[pair].astype(np.int64),
            "ordered_at": ordered,
            "expected_at": ordered + lead[pair] * DAY,
            "received_at": np.where(arrival <= now, arrival, np.nan),
        }
    )


def orderhub_orders(wms, now: float) -> pd.DataFrame:
    """One order per line of every accepted suggestion batch, delivered after the SKU's lead time."""
    cat = wms.sim.world.catalog.set_index("sku_code")
    rows = [
        (b["batch_id"], j, ln["sku_id"], int(ln["quantity"]), parse_iso(b["received_at"]))
        for b in wms.purchase_batches
        for j, ln in enumerate(b["lines"])
    ]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.DataFrame(rows, columns=["batch", "line", "sku_id", "quantity", "ordered_at"])
    df = df[df["sku_id"].isin(cat.index)]
    lead = cat["lead_time_days"].reindex(df["sku_id"]).to_numpy(float)
    ids = np.array(
        [int(hashlib.md5(f"{b}:{j}".encode()).hexdigest()[:10], 16) for b, j in zip(df["batch"], df["line"])],
        dtype=np.uint64,
    )
    arrival = df["ordered_at"].to_numpy() + (lead + _late_days(ids, 143)) * DAY
    return pd.DataFrame(
        {
            "po_no": [f"{b}-{j + 1}" for b, j in zip(df["batch"], df["line"])],
            "source": "orderhub",
            "supplier_id": cat["supplier_code"].reindex(df["sku_id"]).to_numpy(),
            "warehouse_id": ORDERHUB_WAREHOUSE,
            "sku_id": df["sku_id"].to_numpy(),
            "quantity": df["quantity"].to_numpy(np.int64),
            "ordered_at": df["ordered_at"].to_numpy(),
            "expected_at": df["ordered_at"].to_numpy() + lead * DAY,
            "received_at": np.where(arrival <= now, arrival, np.nan),
        }
    )


def all_orders(wms, now: float) -> pd.DataFrame:
    return pd.concat([erp_orders(wms, now), orderhub_orders(wms, now)], ignore_index=True)


def orderhub_received(wms, now: float) -> np.ndarray:
    """Units received from OrderHub-raised orders by `now`, indexed like wms levels (wh * N_SKUS + sku)."""
    po = orderhub_orders(wms, now)
    got = po[po["received_at"].notna()]
    idx = WAREHOUSES.index(ORDERHUB_WAREHOUSE) * N_SKUS + got["sku_id"].str[4:].astype(int).to_numpy() - 1
    return np.bincount(idx, weights=got["quantity"].to_numpy(float), minlength=len(WAREHOUSES) * N_SKUS)


def purchase_order_items(wms, now: float) -> list[dict]:
    po = all_orders(wms, now).sort_values(["ordered_at", "po_no"])
    received = po["received_at"].notna().to_numpy()
    status = np.where(received, "received", np.where(po["expected_at"].to_numpy() < now, "overdue", "open"))
    return [
        {
            "po_no": r.po_no,
            "source": r.source,
            "supplier_id": r.supplier_id,
            "warehouse_id": r.warehouse_id,
            "sku_id": r.sku_id,
            "quantity": int(r.quantity),
            "ordered_at": iso(r.ordered_at),
            "expected_at": iso(r.expected_at),
            "status": s,
            "received_quantity": int(r.quantity) if got else 0,
        }
        for r, s, got in zip(po.itertuples(), status, received)
    ]


def receipts(wms, now: float, after: int, limit: int) -> list[dict]:
    """Goods receipts with receipt_id > after, oldest first; ids = received epoch second x 1000 + rank."""
    po = all_orders(wms, now)
    po = po[po["received_at"].notna()].sort_values(["received_at", "po_no"])
    sec = po["received_at"].to_numpy().astype(np.int64)
    rank = po.groupby(sec).cumcount().to_numpy()
    po = po.assign(receipt_id=sec * 1000 + rank)
    po = po[po["receipt_id"] > after].head(limit)
    return [
        {
            "receipt_id": int(r.receipt_id),
            "po_no": r.po_no,
            "warehouse_id": r.warehouse_id,
            "sku_id": r.sku_id,
            "quantity": int(r.quantity),
            "received_at": iso(r.received_at),
        }
        for r in po.itertuples()
    ]
