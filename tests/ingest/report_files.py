"""Real-layout Taobao seller-center downloads ("已卖出的宝贝"), written by hand as the seller center writes them:
the order report and the item report, classic GBK CSV (trailing commas, ="..." ids, headers with a trailing
space) or the newer XLSX layout. Headers from /work/notes/platform_api.md §5."""

from __future__ import annotations

from pathlib import Path

ORDER_HEADERS = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "运送方式",
    "联系电话 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "宝贝标题 ",
    "宝贝种类 ",
    "物流单号 ",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "分阶段订单信息",
    "特权订金订单id",
    "是否上传合同照片",
    "是否上传小票",
    "是否代付",
    "定金排名",
    "修改后的sku",
    "修改后的收货地址",
    "异常信息",
    "天猫卡券抵扣",
    "集分宝抵扣",
    "是否是O2O交易",
    "退款金额",
    "预约门店",
    "确认收货时间",
    "打款商家金额",
]
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
NEW_ORDER_HEADERS = [
    "订单编号",
    "支付单号",
    "买家应付货款",
    "买家应付邮费",
    "总金额",
    "买家实付金额",
    "订单状态",
    "收货地址",
    "运送方式",
    "订单创建时间",
    "商品标题",
    "宝贝种类",
    "物流单号",
    "物流公司",
    "备注标签",
    "商家备注",
    "宝贝总数量",
    "开票信息",
    "手机订单",
    "商品属性SKU",
    "发货时间",
]
NEW_ITEM_HEADERS = [
    "子订单编号",
    "主订单编号",
    "商品标题",
    "商品价格",
    "购买数量",
    "商品属性",
    "订单状态",
    "买家实付金额",
    "退款状态",
    "商家编码",
]

STATUS = ["买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "等待买家付款", "交易关闭"]


def orders(n: int, lines_per_order=(1, 2, 3), excel_dates_every: int = 0) -> tuple[list[dict], list[dict]]:
    """(order rows, item rows) of n orders: unit prices in fen, discounts and freight, the money consistent as
    the report's is (paid = goods payable + freight once paid, 0.00 before)."""
    order_rows, item_rows = [], []
    for i in range(n):
        oid = str(3512345678900000 + i)
        status = STATUS[i % len(STATUS)]
        k = lines_per_order[i % len(lines_per_order)]
        items = [(f"SKU-{(i + j) % 40:05d}", 1 + (i + j) % 3, 990 + 100 * ((i * 7 + j) % 50)) for j in range(k)]
        total = sum(q * p for _, q, p in items)
        discount, freight = (i % 4) * 100, (i % 3) * 500
        payable = total - discount
        paid = payable + freight if status not in ("等待买家付款",) and i % 10 != 4 else 0
        created = f"2026-10-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
        pay_time = f"2026-10-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:59" if paid else ""
        if excel_dates_every and i % excel_dates_every == 0:  # opened and saved again in Excel
            created = f"2026/10/{1 + i % 28} {i % 24}:{i % 60:02d}"
            pay_time = f"2026/10/{1 + i % 28} {i % 24}:{i % 60:02d}" if paid else ""
        order_rows.append(
            {
                "订单编号": f'="{oid}"',
                "买家会员名": f"tb{i % 97}**",
                "买家应付货款": yuan(payable),
                "买家应付邮费": yuan(freight),
                "总金额": yuan(total),
                "买家实际支付金额": yuan(paid),
                "订单状态": status,
                "收货人姓名": "王小明",
                "收货地址 ": "浙江省 杭州市 西湖区 文三路1号",
                "联系手机": "'13925130165",
                "订单创建时间": created,
                "订单付款时间 ": pay_time,
                "宝贝标题 ": "保温杯",
                "宝贝种类 ": str(k),
                "宝贝总数量": str(sum(q for _, q, _ in items)),
                "店铺名称": "悦享家天猫奥莱店",
            }
        )
        for sku, qty, price in items:
            item_rows.append(
                {
                    "订单编号": f'="{oid}"',
                    "标题": "保温杯 500ml, 送杯套",
                    "价格": yuan(price),
                    "购买数量": str(qty),
                    "外部系统编号": "",
                    "商品属性": "颜色分类:红色",
                    "订单状态": status,
                    "商家编码": sku,
                }
            )
    return order_rows, item_rows


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def csv_bytes(headers: list[str], rows: list[dict], encoding: str = "gbk") -> bytes:
    """As the seller center writes it: every line ends with a comma, ="..." cells unquoted, the rest quoted
    only when needed."""
    lines = [",".join(headers) + ","]
    for row in rows:
        cells = [row.get(h, "") for h in headers]
        lines.append(",".join(c if c.startswith('="') else _quote(c) for c in cells) + ",")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _quote(cell: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(ch in cell for ch in ',"\r\n') else cell


def xlsx_file(path: Path, headers: list[str], rows: list[dict]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    wb.save(path)
    return path


def newer_layout(order_rows: list[dict], item_rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The same orders in the 2025-26 layout: 21 order columns, 买家实付金额, an item report keyed 主订单编号."""
    new_orders = [
        {
            "订单编号": r["订单编号"][2:-1],
            "买家应付货款": r["买家应付货款"],
            "买家应付邮费": r["买家应付邮费"],
            "总金额": r["总金额"],
            "买家实付金额": r["买家实际支付金额"],
            "订单状态": r["订单状态"],
            "收货地址": "浙江省 杭州市 西湖区 沙洲街道****",
            "订单创建时间": r["订单创建时间"],
            "商品标题": r["宝贝标题 "],
            "宝贝总数量": r["宝贝总数量"],
        }
        for r in order_rows
    ]
    new_items = [
        {
            "子订单编号": f"{r['订单编号'][2:-1]}{n:02d}",
            "主订单编号": r["订单编号"][2:-1],
            "商品标题": r["标题"],
            "商品价格": r["价格"],
            "购买数量": r["购买数量"],
            "订单状态": r["订单状态"],
            "商家编码": r["商家编码"],
        }
        for n, r in enumerate(item_rows)
    ]
    return new_orders, new_items
