"""Tmall seller-center order report for the export-only shop `tm-outlet` (CSV in GBK / UTF-8-BOM, or XLSX)."""

from __future__ import annotations

import io
from datetime import date, datetime

import numpy as np

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import BJ, DAY, bj

HEADERS = [
    "订单编号",
    "买家会员名",
    "总金额",
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
STATUS = {
    lc.WAIT_PAY: "等待买家付款",
    lc.PAID: "买家已付款，等待卖家发货",
    lc.PICKED: "买家已付款，等待卖家发货",
    lc.PART_SHIPPED: "卖家已发货，等待买家确认",
    lc.SHIPPED: "卖家已发货，等待买家确认",
    lc.DONE: "交易成功",
    lc.CANCELLED: "交易关闭",
    lc.REFUNDED: "交易关闭",
}
SHOP_NAME = "悦享家天猫奥莱店"
NOTES = ["", "", "", "请尽快发货", "不要放快递柜", "送人的，请不要放价格单"]


def rows_for(sim, day: date) -> list[list[str]]:
    """One report row per tm-outlet order created on `day` (Beijing), as of virtual now."""
    w = sim.world
    start = datetime(day.year, day.month, day.day, tzinfo=BJ).timestamp()
    out = []
    with w.lock:
        now = w.now()
        st = w.state_cols(now)
        rows = w.channel_rows("tm")
        created = w.orders["created"].to_numpy()[rows]
        rows = rows[(created >= start) & (created < start + DAY) & (created <= now)]
        rows = rows[np.argsort(w.orders["created"].to_numpy()[rows], kind="stable")]
        for r in rows:
            r = int(r)
            o = w.row(r)
            step = int(st["step"][r])
            b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
            lines = c.lines_of(w, r, "taobao", step)
            paid, ship = c.seen(w, o, "paid", now), c.seen(w, o, "ship1", now)
            out.append(
                [
                    f'="{c.tb_tid(int(o["key"]))}"',
                    f"{b['name'][0]}**{int(o['buyer']) % 10}",
                    c.yuan(o["total_fen"]),
                    c.yuan(o["pay_fen"]) if paid is not None else "0.00",
                    STATUS[step],
                    NOTES[int(o["key"]) % len(NOTES)],
                    b["name"],
                    f"{b['province']} {b['city']} {b['district']} {b['address']}",
                    f'="{b["phone"]}"',
                    bj(o["created"]),
                    bj(paid) or "",
                    ";".join(ln.title for ln in lines),
                    str(len({ln.sku for ln in lines})),
                    c.tracking_no(int(o["key"])) if ship is not None else "",
                    bj(ship) or "",
                    ";".join(ln.channel_sku for ln in lines),
                    ";".join(str(ln.qty) for ln in lines),
                    SHOP_NAME,
                    c.yuan(o["post_fen"]),
                    c.yuan(o["discount_fen"]),
                ]
            )
    return out


def _cell(v: str) -> str:
    # Excel-style ="..." cells are written verbatim like the real report; others CSV-quoted only if needed
    if v.startswith('="') or not any(ch in v for ch in ',"\n'):
        return v
    return '"' + v.replace('"', '""') + '"'


def to_csv(rows: list[list[str]], encoding: str) -> bytes:
    text = "\r\n".join(",".join(_cell(v) for v in row) for row in [HEADERS, *rows]) + "\r\n"
    return text.encode(encoding)


def to_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "订单列表"
    ws.append(HEADERS)
    for row in rows:
        ws.append([v[2:-1] if v.startswith('="') else v for v in row])  # xlsx keeps text cells as text
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def handle(sim, req: Request) -> Response:
    if req.path != "/admin/exports/taobao":
        return ok({"error": "not_found"}, 404)
    p = req.params
    try:
        day = date.fromisoformat(p["date"])
    except (KeyError, ValueError):
        return ok({"error": "invalid_request", "detail": "date=YYYY-MM-DD required"}, 400)
    fmt, enc = p.get("format", "csv"), p.get("encoding", "gbk").lower()
    if fmt not in ("csv", "xlsx") or enc not in ("gbk", "utf-8-sig"):
        return ok({"error": "invalid_request", "detail": "format csv|xlsx, encoding gbk|utf-8-sig"}, 400)
    rows = rows_for(sim, day)
    name = f"ExportOrderList_{day:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        ctype, body = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx(rows)
    else:
        ctype, body = f"text/csv; charset={'GBK' if enc == 'gbk' else 'utf-8'}", to_csv(rows, enc)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Row-Count": str(len(rows))}
    return Response(200, body, headers, ctype)


def write_csv_file(path, rows: list[list[str]], encoding: str = "gbk") -> None:
    with open(path, "wb") as fh:
        fh.write(to_csv(rows, encoding))
