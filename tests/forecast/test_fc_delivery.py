"""Post bookkeeping: accepted lines go on order until their lead time passes; unsent ones are superseded."""

from datetime import date

import pandas as pd

from forecasts import delivery
from forecasts.delivery import PostResult
from forecasts.suggestions import SUGGESTION_COLUMNS
from forecasts.warehouse_io import on_order_by_sku
from orderhub import warehouse
from orderhub.calllog import CallLog


def _rows(skus, qty=24, lead=7):
    return pd.DataFrame(
        [
            dict.fromkeys(SUGGESTION_COLUMNS, 0)
            | {
                "sku_id": s,
                "category": "snacks",
                "supplier_id": "SUP-1",
                "suggested_qty": qty,
                "lead_time_days": lead,
                "reason": "because",
                "min_order_qty": 12,
                "pack_size": 6,
                "stockout_date": None,
                "surge": False,
            }
            for s in skus
        ]
    )


def test_failed_day_is_superseded_next_day_and_accepted_lines_stay_on_order_for_the_lead_time(orderhub_home):
    con = warehouse.connect()
    d1, d2 = date(2026, 11, 20), date(2026, 11, 21)
    fail = lambda day, lines: PostResult(False, error="HTTP 502")  # noqa: E731
    ok = lambda day, lines: PostResult(True, batch_id=f"B-{day}", accepted=len(lines))  # noqa: E731
    out = delivery.deliver(con, d1, _rows(["A", "B"]), orderhub_home.exports, fail, CallLog())
    assert out["post_ok"] is False and out["alert_opened"]
    out = delivery.deliver(con, d2, _rows(["A"], lead=3), orderhub_home.exports, ok, CallLog())
    assert out["post_ok"] and out["posted"] == 1
    status = dict(
        con.execute("select suggestion_date || sku_id, post_status from forecast.replenishment_suggestions").fetchall()
    )
    assert status == {"2026-11-20A": "superseded", "2026-11-20B": "superseded", "2026-11-21A": "accepted"}
    assert on_order_by_sku(con, date(2026, 11, 23)).to_dict("records") == [{"sku_id": "A", "on_order": 24}]
    assert on_order_by_sku(con, date(2026, 11, 24)).empty  # ordered on the 21st + 3 days lead time
    con.close()
