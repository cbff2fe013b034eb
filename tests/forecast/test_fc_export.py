"""The purchasing XLSX opens with the expected columns, a styled frozen header and numbers as numbers."""

from datetime import date

import openpyxl
import pandas as pd

from forecasts.export import EXPORT_COLUMNS, write_exports


def test_xlsx_and_csv_are_readable_with_expected_columns(tmp_path):
    rows = pd.DataFrame(
        [
            {
                "sku_id": "SKU-00001",
                "category": "零食",
                "supplier_id": "SUP-1",
                "suggested_qty": 120,
                "forecast_7d": 70.4,
                "forecast_7d_lower": 50.0,
                "forecast_7d_upper": 90.0,
                "safety_stock": 20.2,
                "available": 30,
                "on_order": 15,
                "lead_time_days": 7,
                "min_order_qty": 50,
                "pack_size": 12,
                "post_status": "accepted",
                "reason": "7-day forecast 70 units exceeds 1.5 x safety stock 20 = 30.",
            }
        ]
    )
    xlsx, csv = write_exports(rows, tmp_path, date(2026, 11, 25))
    assert xlsx.name == "replenishment_2026-11-25.xlsx" and xlsx.parent.name == "purchasing"
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header == [title for _, title, *_ in EXPORT_COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    values = dict(zip(header, [c.value for c in ws[2]]))
    assert values["SKU"] == "SKU-00001" and values["Suggested qty"] == 120 and values["Category"] == "零食"
    assert ws.cell(2, header.index("Suggested qty") + 1).number_format == "#,##0"
    reason_col = openpyxl.utils.get_column_letter(header.index("Reason") + 1)
    assert ws.column_dimensions[reason_col].width > 50  # the reason column is wide enough to read
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert list(back.columns) == header and back.loc[0, "Suggested qty"] == 120
    assert not list(tmp_path.rglob(".*.tmp"))


def test_empty_day_still_writes_a_header_only_file(tmp_path):
    xlsx, _ = write_exports(pd.DataFrame(), tmp_path, date(2026, 11, 25))
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.max_row == 1 and ws["A1"].value == "SKU"
