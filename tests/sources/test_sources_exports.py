"""Seller-center order report files: encodings, Excel quoting, XLSX, and all-or-nothing rejection."""

from __future__ import annotations

import csv
import io
import pickle

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderhub.exports import ExportReadError, read_export, required_headers

REQUIRED_HEADERS = required_headers()

COLUMNS = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "物流单号",
    "发货时间",
    "商家编码",
    "宝贝总数量",
    "店铺名称",
    "运费",
    "优惠金额",
]
ROWS = [
    [
        '="2612345678901234"',
        "t**8",
        "129.00",
        "买家已付款，等待卖家发货",
        "",
        "张三",
        "浙江省 杭州市 西湖区 文三路1号",
        '="13812345678"',
        "2026-11-11 00:03:17",
        "2026-11-11 00:04:01",
        "保温杯 500ml",
        "1",
        "",
        "",
        "SKU-00001",
        "1",
        "天猫奥莱店",
        "0.00",
        "10.00",
    ],
    [
        '="2612345678905678"',
        "小**红",
        "259.80",
        "交易成功",
        "请尽快发货, 谢谢",
        "李四",
        "新疆维吾尔自治区 乌鲁木齐市 天山区 x路2号",
        '="13987654321"',
        "2026-11-11 09:15:00",
        "2026-11-11 09:16:00",
        "茶具套装;杯垫",
        "2",
        '="SF1234567890123"',
        "2026-11-12 10:00:00",
        "SKU-00002;SKU-00003",
        "2;1",
        "天猫奥莱店",
        "8.00",
        "0.00",
    ],
]


def excel_csv(rows=ROWS, columns=COLUMNS, trailing_comma=False) -> str:
    # Written by hand like the seller center does: ="..." left unquoted, other fields quoted only if needed.
    out = io.StringIO()
    for row in [columns, *rows]:
        cells = [c if c.startswith('="') else _quote(c) for c in row]
        out.write(",".join(cells) + ("," if trailing_comma else "") + "\r\n")
    return out.getvalue()


def _quote(cell: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(ch in cell for ch in ',"\r\n') else cell


def check_records(records):
    assert len(records) == 2
    first, second = records
    assert list(first) == COLUMNS
    assert first["订单编号"] == "2612345678901234" and first["联系手机"] == "13812345678"
    assert first["买家实际支付金额"] == "129.00" and first["订单状态"] == "买家已付款，等待卖家发货"
    assert second["买家留言"] == "请尽快发货, 谢谢" and second["物流单号"] == "SF1234567890123"
    assert second["商家编码"] == "SKU-00002;SKU-00003" and second["宝贝总数量"] == "2;1"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_every_encoding_the_seller_center_produces(tmp_path, encoding):
    path = tmp_path / "orders.csv"
    path.write_bytes(excel_csv().encode(encoding))
    mapping, records = read_export(path)
    assert mapping == "taobao_export"
    check_records(records)


def test_gbk_is_really_not_utf8_and_trailing_commas_are_tolerated(tmp_path):
    data = excel_csv(trailing_comma=True).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "ExportOrderList202611111200.csv"
    path.write_bytes(data)
    check_records(read_export(path)[1])


def test_fully_quoted_excel_formula_cells_are_unwrapped(tmp_path):
    path = tmp_path / "orders.csv"
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL).writerows([COLUMNS, *ROWS])  # ="x" becomes "=""x"""
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    check_records(read_export(path)[1])


def test_xlsx_with_text_numeric_and_date_cells(tmp_path):
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for row in ROWS:
        ws.append(row)
    ws.append([""] * len(COLUMNS))  # trailing blank row
    ws["C2"] = 129.0  # a number cell
    ws["I2"] = datetime(2026, 11, 11, 0, 3, 17)
    ws["S3"] = None  # short last row: empty trailing cells are not stored
    path = tmp_path / "orders.xlsx"
    wb.save(path)
    mapping, records = read_export(path)
    assert mapping == "taobao_export" and len(records) == 2
    assert records[0]["买家实际支付金额"] == "129" and records[0]["订单创建时间"] == "2026-11-11 00:03:17"
    assert records[0]["订单编号"] == "2612345678901234" and records[1]["优惠金额"] == ""


def test_header_only_file_is_zero_orders(tmp_path):
    path = tmp_path / "empty_day.csv"
    path.write_bytes(excel_csv(rows=[]).encode("gbk"))
    assert read_export(path) == ("taobao_export", [])


def _broken_files():
    good = excel_csv().encode("gbk")
    ragged = excel_csv().replace("天猫奥莱店,0.00,10.00", "天猫奥莱店,0.00").encode("gbk")
    return {
        "truncated_mid_character": (good[:-3][: good.index("保温杯".encode("gbk")) + 1], "undecodable"),
        "truncated_mid_row": (good[: len(good) // 2 + 7], "ragged_row"),
        "ragged": (ragged, "ragged_row"),
        "unterminated_quote": (good + b'"2612,never closed\r\n', "malformed_csv"),
        "binary": (bytes(range(256)) * 4, "undecodable"),
        "empty": (b"", "empty"),
        "not_an_order_report": ("商品编号,库存\r\nSKU-1,5\r\n".encode("gbk"), "missing_headers"),
        "duplicate_header": (("订单编号," + excel_csv()).encode("gbk"), "bad_headers"),
    }


@pytest.mark.parametrize("case", sorted(_broken_files()))
def test_corrupted_csv_is_rejected_whole_with_a_reason(tmp_path, case):
    data, reason = _broken_files()[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(data)
    with pytest.raises(ExportReadError) as err:
        read_export(path)
    assert err.value.reason == reason, err.value
    assert err.value.message and str(path) in str(err.value)


def test_damaged_xlsx_and_unknown_formats(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(COLUMNS)
    good = tmp_path / "good.xlsx"
    wb.save(good)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:500])
    with pytest.raises(ExportReadError) as err:
        read_export(cut)
    assert err.value.reason == "unreadable"
    fake = tmp_path / "renamed.xlsx"
    fake.write_bytes(excel_csv().encode("gbk"))
    with pytest.raises(ExportReadError, match="unreadable"):
        read_export(fake)
    old = tmp_path / "orders.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ExportReadError, match="unsupported_format"):
        read_export(old)
    with pytest.raises(ExportReadError, match="unreadable"):
        read_export(tmp_path / "missing.csv")


def test_error_survives_pickling():
    err = pickle.loads(pickle.dumps(ExportReadError("ragged_row", "record 3 has 4 fields", "/x.csv")))
    assert (err.reason, err.message, err.path) == ("ragged_row", "record 3 has 4 fields", "/x.csv")


_text = st.text(alphabet=st.sampled_from("订单交易成功，。、保温杯 ,;\"'\n-0123456789abcXYZ"), max_size=12).map(
    str.strip
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(_text, min_size=len(REQUIRED_HEADERS), max_size=len(REQUIRED_HEADERS)), max_size=6),
    encoding=st.sampled_from(["gbk", "utf-8-sig"]),
)
def test_property_any_cell_text_round_trips(tmp_path, rows, encoding):
    buf = io.StringIO()
    csv.writer(buf).writerows([list(REQUIRED_HEADERS), *rows])
    path = tmp_path / "prop.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    _, records = read_export(path)
    expected = [dict(zip(REQUIRED_HEADERS, r)) for r in rows if any(r)]
    assert records == expected


def test_xlsx_written_by_xlsxwriter_keeps_excel_text_formulas(tmp_path):
    import xlsxwriter

    path = tmp_path / "orders.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, row in enumerate([COLUMNS, *ROWS]):
        ws.write_row(r, 0, row)  # ="..." strings become formulas with cached value 0
    wb.close()
    check_records(read_export(path)[1])
