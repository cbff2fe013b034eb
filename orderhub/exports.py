"""Reading seller-center order reports dropped as files (Taobao/Tmall "订单报表": CSV or XLSX).

All or nothing: a file is either returned completely, one dict per order row keyed by its Chinese headers,
or rejected with an `ExportReadError` whose `reason` is machine-readable — never half a file.
CSV encoding is detected from the bytes (UTF-8 with BOM, UTF-8, UTF-16 "Unicode text", else GBK via its
superset GB18030). Excel protection quoting (`="2612345678901234"`, used so ids and phone numbers are
not turned into numbers) is unwrapped and surrounding blanks are trimmed; nothing else is changed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

MAPPING = "taobao_export"
REQUIRED_HEADERS = (
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
    "订单创建时间",
    "订单付款时间",
    "收货地址",
    "联系手机",
    "宝贝标题",
    "宝贝总数量",
    "商家编码",
)
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)
_ZIP_MAGIC = b"PK\x03\x04"


class ExportReadError(ValueError):
    """A file that cannot be loaded as a whole. `reason` is a stable code for hub.quarantine."""

    def __init__(self, reason: str, message: str, path: str | None = None):
        super().__init__(f"{reason}: {message}" + (f" ({path})" if path else ""))
        self.reason, self.message, self.path = reason, message, path

    def __reduce__(self):
        return (type(self), (self.reason, self.message, self.path))


def read_export(path: Path) -> tuple[str, list[dict]]:
    """(mapping name, records) for a seller-center order report; raises ExportReadError if unusable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportReadError("unreadable", f"cannot read file: {exc}", str(path)) from exc
    suffix = path.suffix.lower()
    is_xlsx = data.startswith(_ZIP_MAGIC) and suffix in (".xlsx", ".xlsm", "")
    if is_xlsx:
        rows = _xlsx_rows(data, path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(data, path)
    elif suffix in (".xlsx", ".xlsm"):
        raise ExportReadError("unreadable", "not a valid XLSX workbook (no zip container)", str(path))
    else:
        got = suffix or "no extension"
        raise ExportReadError("unsupported_format", f"expected .csv or .xlsx, got {got!r}", str(path))
    return MAPPING, _records(rows, path, pad_short_rows=is_xlsx)


def decode(data: bytes, path: Path | None = None) -> str:
    """Text of a CSV export, trying the encodings Taobao's report and Excel re-saves produce."""
    where = str(path) if path else None
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", data[len(codecs.BOM_UTF8) :])]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ExportReadError("undecodable", "file contains NUL bytes (binary or corrupted)", where)
        return text
    tried = ", ".join(e for e, _ in candidates)
    raise ExportReadError("undecodable", f"bytes are not valid text in any of: {tried}", where)


def _csv_rows(data: bytes, path: Path) -> list[list[str]]:
    text = decode(data, path)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","  # Excel "Unicode text" is tab-separated
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ExportReadError("malformed_csv", f"CSV syntax error: {exc}", str(path)) from exc


def _xlsx_rows(data: bytes, path: Path) -> list[list[str]]:
    import openpyxl  # imported lazily: only needed for XLSX drops

    try:
        # A cell written as ="2612..." is stored as a *formula* whose cached value may be missing (openpyxl)
        # or a placeholder 0 (xlsxwriter); such literal formulas are read from the formula text, every
        # other cell from its cached value.
        values = _sheet_rows(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True))
        formulas = _sheet_rows(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False))
        return [
            [f if isinstance(f, str) and _EXCEL_TEXT.match(f) else _cell_text(v) for v, f in zip(vrow, frow)]
            for vrow, frow in zip(values, formulas)
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        message = f"not a readable XLSX workbook: {type(exc).__name__}: {exc}"
        raise ExportReadError("unreadable", message, str(path)) from exc
    except Exception as exc:  # openpyxl raises assorted errors on damaged XML; all mean the same to the seller
        raise ExportReadError("unreadable", f"damaged XLSX workbook: {type(exc).__name__}: {exc}", str(path)) from exc


def _sheet_rows(workbook) -> list[tuple]:
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _clean(value: str) -> str:
    value = value.strip()
    match = _EXCEL_TEXT.match(value)
    return match.group(1).replace('""', '"').strip() if match else value


def _records(rows: list[list[str]], path: Path, pad_short_rows: bool = False) -> list[dict]:
    """Records keyed by header. A sheet row may simply end early (empty trailing cells are not stored in
    XLSX), so `pad_short_rows`; in CSV a short or long row means a broken line and rejects the file."""
    where = str(path)
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise ExportReadError("empty", "file has no header row", where)
    header = [_clean(h).lstrip("\ufeff") for h in numbered[0][1]]
    while header and not header[-1]:
        header.pop()  # Taobao's report ends every line with a comma
    width = len(header)
    if len(set(header)) != width or "" in header:
        raise ExportReadError("bad_headers", f"empty or duplicate column names: {header}", where)
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        message = f"not a Taobao/Tmall order report, missing columns: {', '.join(missing)}"
        raise ExportReadError("missing_headers", message, where)
    records = []
    for record_no, row in numbered[1:]:
        if pad_short_rows:
            row = row + [""] * (width - len(row))
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            message = f"record {record_no} has {len(row)} fields, the header has {width}"
            raise ExportReadError("ragged_row", message, where)
        records.append({h: _clean(v) for h, v in zip(header, row)})
    return records
