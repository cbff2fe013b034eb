"""The purchasing team's files: a formatted XLSX people open in Excel/WPS, and the same rows as CSV."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

EXPORT_COLUMNS = [
    ("sku_id", "SKU", 14, None),
    ("category", "Category", 14, None),
    ("supplier_id", "Supplier", 12, None),
    ("suggested_qty", "Suggested qty", 14, "#,##0"),
    ("days_of_cover", "Days of cover", 12, "0"),
    ("stockout_date", "Stock-out without order", 16, "yyyy-mm-dd"),
    ("surge", "Surge", 8, None),
    ("forecast_7d", "7-day forecast", 14, "#,##0.0"),
    ("forecast_7d_lower", "Forecast low", 13, "#,##0.0"),
    ("forecast_7d_upper", "Forecast high", 13, "#,##0.0"),
    ("safety_stock", "Safety stock", 13, "#,##0.0"),
    ("available", "Available", 11, "#,##0"),
    ("on_order", "On order", 10, "#,##0"),
    ("lead_time_days", "Lead time (d)", 13, "0"),
    ("min_order_qty", "MOQ", 8, "#,##0"),
    ("pack_size", "Pack size", 10, "#,##0"),
    ("post_status", "ERP status", 12, None),
    ("reason", "Reason", 110, None),
]


def export_paths(exports_dir: Path, day: date) -> tuple[Path, Path]:
    folder = exports_dir / "purchasing"
    return folder / f"replenishment_{day.isoformat()}.xlsx", folder / f"replenishment_{day.isoformat()}.csv"


def _atomic(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.tmp")


def write_exports(rows: pd.DataFrame, exports_dir: Path, day: date) -> tuple[Path, Path]:
    """Write both files atomically (tmp + rename): a reader never sees half a file."""
    xlsx_path, csv_path = export_paths(exports_dir, day)
    cols = [c for c, *_ in EXPORT_COLUMNS]
    if {"stockout_date", "days_of_cover"} <= set(rows.columns):  # most urgent first
        rows = rows.assign(_out=pd.to_datetime(rows["stockout_date"])).sort_values(
            ["_out", "days_of_cover"], na_position="last"
        )
    data = rows.reindex(columns=cols)
    if "surge" in rows.columns:
        data["surge"] = np.where(data["surge"].astype("boolean").fillna(False), "surge", "")
    data["days_of_cover"] = data["days_of_cover"].replace([np.inf], np.nan)
    data["stockout_date"] = pd.to_datetime(data["stockout_date"])
    tmp = _atomic(csv_path)
    data.rename(columns={c: h for c, h, *_ in EXPORT_COLUMNS}).to_csv(tmp, index=False, encoding="utf-8-sig")
    os.replace(tmp, csv_path)
    tmp = _atomic(xlsx_path)
    _write_xlsx(data, tmp, day)
    os.replace(tmp, xlsx_path)
    return xlsx_path, csv_path


def _write_xlsx(data: pd.DataFrame, path: Path, day: date) -> None:
    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    try:
        ws = wb.add_worksheet(f"Replenishment {day.isoformat()}")
        head = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1F4E78",
                "font_color": "#FFFFFF",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        for j, (col, title, width, num) in enumerate(EXPORT_COLUMNS):
            fmt = wb.add_format({"num_format": num, "valign": "top"}) if num else (wrap if col == "reason" else None)
            ws.set_column(j, j, width, fmt)
            ws.write(0, j, title, head)
            for i, value in enumerate(data[col].tolist(), start=1):
                if pd.isna(value):
                    ws.write_blank(i, j, None)
                elif isinstance(value, pd.Timestamp):
                    ws.write_datetime(i, j, value.to_pydatetime())
                else:
                    ws.write(i, j, value.item() if hasattr(value, "item") else value)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        if len(data):
            ws.autofilter(0, 0, len(data), len(EXPORT_COLUMNS) - 1)
    finally:
        wb.close()
