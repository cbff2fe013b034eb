"""The real "已卖出的宝贝" download for shop `tm-outlet`: an order report (ExportOrderList<yyyyMMddHHmm>.csv, one
row per order) and an item report (ExportOrderDetailList<yyyyMMddHHmm>.csv, one row per line), joined on
订单编号 (classic layout, GBK; /work/notes/platform_api.md §5). `resaved=excel`: as Excel leaves a report opened
and saved again (the ="..." cells become plain text, times "2016/5/23 22:02": no seconds, no zero padding).
"""

from __future__ import annotations

from datetime import date, datetime

from simulator import exports as combined
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import BJ, DAY, bj

# the classic order report's headers (several really end in a space), in its column order
ORDER_HEADERS = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "确认收货时间",
]  # fmt: skip
ITEM_HEADERS = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]
SHOP_ID = "57300001"


def reports_for(sim, day: date) -> tuple[list[list[str]], list[list[str]]]:
    """(order rows, item rows) for the tm-outlet orders created on `day` (Beijing), as of virtual now."""
    w = sim.world
    start = datetime(day.year, day.month, day.day, tzinfo=BJ).timestamp()
    orders, items = [], []
    with w.lock:
        now = w.now()
        st = w.state_cols(now)
        rows = w.channel_rows("tm")
        created = w.orders["created"].to_numpy()[rows]
        rows = rows[(created >= start) & (created < start + DAY) & (created <= now)]
        for r in sorted(int(x) for x in rows):
            o, step = w.row(r), int(st["step"][r])
            key, b = int(o["key"]), c.buyer_profile(int(o["buyer"]), int(o["prov"]))
            lines = c.lines_of(w, r, "taobao", step)
            paid, ship, done = (c.seen(w, o, e, now) for e in ("paid", "ship1", "done"))
            tid, status = f'="{c.tb_tid(key)}"', combined.STATUS[step]
            goods = int(o["total_fen"]) - int(o["discount_fen"])
            orders.append(
                [
                    tid, f"{b['name'][0]}**{int(o['buyer']) % 10}", "", c.yuan(goods), c.yuan(o["post_fen"]), "0",
                    c.yuan(o["total_fen"]), "0", c.yuan(o["pay_fen"]) if paid is not None else "0.00", "0", status,
                    combined.NOTES[key % len(combined.NOTES)], c.mask_name(b["name"]),
                    f"{b['province']} {b['city']} {b['district']} ****", "快递", "", f'="{c.mask_phone(b["phone"])}"',
                    bj(o["created"]), bj(paid) or "", ";".join(ln.title for ln in lines),
                    str(len({ln.sku for ln in lines})), c.tracking_no(key) if ship is not None else "",
                    "顺丰速运" if ship is not None else "", "", str(sum(ln.qty for ln in lines)), SHOP_ID,
                    combined.SHOP_NAME, "", bj(done) or "",
                ]
            )  # fmt: skip
            items += [
                [tid, ln.title, c.yuan(ln.price_fen), str(ln.qty), "", "颜色分类：默认", "", "", status, ln.channel_sku]
                for ln in lines
            ]
    return orders, items


def excel_resaved(rows: list[list[str]], time_columns: set[int]) -> list[list[str]]:
    """What Excel writes back: ="..." becomes its text, times lose seconds and zero padding."""

    def cell(i: int, v: str) -> str:
        if v.startswith('="'):
            return v[2:-1]
        if i in time_columns and v:
            t = datetime.strptime(v, "%Y-%m-%d %H:%M:%S")
            return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"
        return v

    return [[cell(i, v) for i, v in enumerate(row)] for row in rows]


def pair_csv(sim, day: date, report: str, resaved: bool, encoding: str) -> tuple[bytes, str, int]:
    """(bytes, file name, rows) of one report of the pair."""
    orders, items = reports_for(sim, day)
    stamp = f"{day:%Y%m%d}2359"
    if report == "item":
        headers, rows, name = ITEM_HEADERS, items, f"ExportOrderDetailList{stamp}.csv"
    else:
        headers, rows, name = ORDER_HEADERS, orders, f"ExportOrderList{stamp}.csv"
        if resaved:
            rows = excel_resaved(
                rows, {ORDER_HEADERS.index(h) for h in ("订单创建时间", "订单付款时间 ", "确认收货时间")}
            )
    if resaved:
        rows = excel_resaved(rows, set())
    text = "\r\n".join(",".join(combined._cell(v) for v in row) for row in [headers, *rows]) + "\r\n"
    return text.encode(encoding), name, len(rows)


def handle(sim, req: Request) -> Response:
    """`/admin/exports/taobao?...&layout=pair&report=order|item[&resaved=excel]`; anything else is the combined
    file (simulator/exports.py)."""
    p = req.params
    if p.get("layout") != "pair":
        return combined.handle(sim, req)
    try:
        day = date.fromisoformat(p["date"])
    except (KeyError, ValueError):
        return ok({"error": "invalid_request", "detail": "date=YYYY-MM-DD required"}, 400)
    report, enc = p.get("report", "order"), p.get("encoding", "gbk").lower()
    if req.path != "/admin/exports/taobao":
        return ok({"error": "not_found"}, 404)
    if report not in ("order", "item") or p.get("format", "csv") != "csv" or enc not in ("gbk", "utf-8-sig"):
        return ok({"error": "invalid_request", "detail": "layout=pair: report order|item, csv, gbk|utf-8-sig"}, 400)
    body, name, n = pair_csv(sim, day, report, p.get("resaved") == "excel", enc)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Row-Count": str(n)}
    return Response(200, body, headers, f"text/csv; charset={'GBK' if enc == 'gbk' else 'utf-8'}")
