"""What each order looks like at a virtual instant: current lifecycle step, refund step, modified time.

Vectorised over an order table (see generate.py for the columns). An event counts once
`event_time + late_s <= now` (late updates), and `modified` is the latest counted event time, or a
"touch" (an update with no status change, used by the mutate-while-paging fault) if later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# lifecycle steps
WAIT_PAY, PAID, PICKED, PART_SHIPPED, SHIPPED, DONE, CANCELLED, REFUNDED = range(8)
# refund steps
RF_NONE, RF_PENDING, RF_SUCCESS, RF_CLOSED = range(4)
HUB_STATUS = np.array(["pending_payment", "paid", "paid", "shipped", "shipped", "completed", "cancelled", "refunded"])
STEP_NAME = np.array(
    ["wait_pay", "paid", "picked", "partially_shipped", "shipped", "completed", "cancelled", "refunded"]
)
_UPDATE_EVENTS = ["paid", "picked", "packed", "ship1", "shipped", "done", "cancelled", "rf_req", "rf_done"]


def state_at(orders: pd.DataFrame, now: float, touched: np.ndarray | None = None) -> pd.DataFrame:
    """Columns: visible, step, rf_step, modified (epoch s) — aligned with `orders`' index."""
    created = orders["created"].to_numpy()
    late = orders["late_s"].to_numpy()
    seen = {c: (orders[c].to_numpy() + late) <= now for c in _UPDATE_EVENTS}  # NaN compares False
    step = np.full(len(orders), WAIT_PAY, dtype=np.int8)
    step[seen["paid"]] = PAID
    step[seen["picked"]] = PICKED
    step[seen["ship1"] & orders["partial"].to_numpy()] = PART_SHIPPED
    step[seen["shipped"]] = SHIPPED
    step[seen["done"]] = DONE
    step[seen["cancelled"]] = CANCELLED
    rf_ok = orders["rf_ok"].to_numpy()
    step[seen["rf_done"] & rf_ok] = REFUNDED
    rf = np.full(len(orders), RF_NONE, dtype=np.int8)
    rf[seen["rf_req"]] = RF_PENDING
    rf[seen["rf_done"]] = np.where(rf_ok[seen["rf_done"]], RF_SUCCESS, RF_CLOSED)
    modified = created.copy()
    for c in _UPDATE_EVENTS:
        modified = np.where(seen[c], np.fmax(modified, orders[c].to_numpy()), modified)
    if touched is not None:
        modified = np.fmax(modified, np.where(touched <= now, touched, np.nan))
    return pd.DataFrame(
        {"visible": created <= now, "step": step, "rf_step": rf, "modified": np.floor(modified)}, index=orders.index
    )


def line_shipped(lines: pd.DataFrame, step: np.ndarray) -> np.ndarray:
    """Per line: has it left the warehouse (first parcel of a split order, or everything once shipped)."""
    return ((step >= SHIPPED) & (step <= DONE)) | ((step == PART_SHIPPED) & lines["part1"].to_numpy())
