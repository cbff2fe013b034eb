"""On order from real purchase orders and receipts: partial receipts, orders raised elsewhere, late ones."""

import pandas as pd
import pytest

from forecasts.supply import supplier_lead_times, supply_by_sku

T = pd.Timestamp


def _feed():
    po = pd.DataFrame(
        [
            ("P1", "erp", "S1", "A", 100, T("2026-11-01", tz="UTC"), T("2026-11-08", tz="UTC")),  # half received
            ("P2", "orderhub", "S1", "A", 60, T("2026-11-15", tz="UTC"), T("2026-11-22", tz="UTC")),  # in transit
            ("P3", "erp", "S2", "B", 40, T("2026-11-02", tz="UTC"), T("2026-11-05", tz="UTC")),  # fully received
            ("P4", "erp", "S2", "C", 30, T("2026-11-03", tz="UTC"), T("2026-11-10", tz="UTC")),  # overdue
            ("P5", "orderhub", "S1", "A", 10, T("2026-11-30", tz="UTC"), T("2026-12-07", tz="UTC")),  # after as_of
        ],
        columns=["po_no", "source", "supplier_id", "sku_id", "quantity", "ordered_at", "expected_at"],
    )
    rc = pd.DataFrame(
        [
            ("P1", "A", 50, T("2026-11-09", tz="UTC")),
            ("P3", "B", 40, T("2026-11-05", tz="UTC")),
            ("P4", "C", 30, T("2026-11-25", tz="UTC")),  # arrives after as_of: not known yet
        ],
        columns=["po_no", "sku_id", "quantity", "received_at"],
    )
    return po, rc


def test_on_order_counts_orders_raised_elsewhere_partial_receipts_and_overdue_deliveries():
    po, rc = _feed()
    out = supply_by_sku(po, rc, T("2026-11-20", tz="UTC")).set_index("sku_id")
    assert list(out.index) == ["A", "C"]  # B fully received
    a, c = out.loc["A"], out.loc["C"]
    assert (a["on_order"], a["on_order_orderhub"], a["on_order_elsewhere"]) == (110, 60, 50)
    assert a["overdue_units"] == 50 and a["overdue_orders"] == 1 and a["max_days_overdue"] == 12
    assert c["on_order"] == 30 and c["max_days_overdue"] == 10 and c["open_orders"] == 1
    assert a["next_expected_at"] == T("2026-11-08", tz="UTC")
    later = supply_by_sku(po, rc, T("2026-11-26", tz="UTC")).set_index("sku_id")
    assert "C" not in later.index and later.loc["A", "on_order"] == 50 + 60


def test_supplier_lead_times_from_receipts():
    po, rc = _feed()
    lt = supplier_lead_times(po, rc, T("2026-11-30", tz="UTC")).set_index("supplier_id")
    assert lt.loc["S1", "lead_days_mean"] == pytest.approx(8.0) and lt.loc["S1", "late_share"] == 0
    assert lt.loc["S2", "deliveries"] == 2
    assert lt.loc["S2", "lead_days_mean"] == pytest.approx((3 + 22) / 2)
    assert lt.loc["S2", "lead_days_sd"] == pytest.approx(9.5) and lt.loc["S2", "late_share"] == 0.5
