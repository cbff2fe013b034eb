"""The seller's item master and the geography buyers live in (static tables, seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd

N_SKUS = 300

# category -> ({product: [specs]}, price band in yuan, pack sizes per carton)
CATEGORIES: dict[str, tuple[dict[str, list[str]], tuple[float, float], list[int]]] = {
    "休闲零食": (
        {
            "每日坚果": ["750g/30袋", "525g/21袋"],
            "手撕牛肉干": ["250g", "500g"],
            "海苔脆片": ["40g*6袋", "礼盒装"],
            "芒果干": ["500g", "1kg家庭装"],
            "蛋黄酥": ["6枚装", "12枚礼盒"],
        },
        (12, 89),
        [12, 24],
    ),
    "饮料冲调": (
        {
            "冷萃咖啡液": ["25ml*12杯", "33ml*20杯"],
            "燕麦奶": ["1L*6", "250ml*24"],
            "柠檬茶": ["500ml*15瓶"],
            "红枣枸杞茶": ["20袋装"],
            "椰子水": ["330ml*12", "1L*4"],
        },
        (19, 129),
        [6, 12],
    ),
    "个护清洁": (
        {
            "氨基酸洗面奶": ["120g", "200g"],
            "洗发水": ["500ml", "750ml*2"],
            "牙膏": ["120g*3支"],
            "沐浴露": ["1L", "650ml"],
            "洗衣凝珠": ["52颗", "100颗"],
        },
        (15, 99),
        [12, 24, 48],
    ),
    "家居日用": (
        {
            "收纳箱": ["大号", "中号3只装"],
            "抽纸": ["24包整箱", "36包整箱"],
            "保温杯": ["500ml", "750ml"],
            "乳胶枕": ["单只装", "一对装"],
            "平板拖把": ["免手洗款"],
        },
        (9, 199),
        [6, 12, 24],
    ),
    "厨房用品": (
        {
            "不粘锅": ["28cm", "32cm"],
            "菜刀套装": ["三件套", "五件套"],
            "硅胶铲": ["4只装"],
            "密封罐": ["1L*4只", "2L*2只"],
            "竹砧板": ["加厚款", "两件套"],
        },
        (19, 299),
        [4, 6, 12],
    ),
    "母婴用品": (
        {
            "婴儿湿巾": ["80抽*10包", "80抽*6包"],
            "纸尿裤": ["L码54片", "XL码44片"],
            "儿童牙刷": ["2支装"],
            "玻璃奶瓶": ["240ml", "160ml"],
            "辅食碗": ["吸盘款"],
        },
        (25, 259),
        [6, 8, 12],
    ),
    "宠物用品": (
        {
            "豆腐猫砂": ["6L*4包", "2.5kg"],
            "冻干猫粮": ["1.5kg", "3kg"],
            "狗狗零食": ["200g", "500g"],
            "宠物湿巾": ["80抽"],
            "猫抓板": ["大号", "圆盘款"],
        },
        (15, 159),
        [4, 8, 12],
    ),
    "数码配件": (
        {
            "快充数据线": ["1m", "2m两条装"],
            "氮化镓充电器": ["65W", "100W"],
            "蓝牙耳机": ["降噪版", "标准版"],
            "手机壳": ["iPhone 15", "iPhone 16 Pro"],
            "移动电源": ["10000mAh", "20000mAh"],
        },
        (19, 399),
        [10, 20, 50],
    ),
    "茶叶": (
        {
            "西湖龙井": ["100g罐装", "250g礼盒"],
            "正山小种": ["250g"],
            "云南普洱": ["357g饼"],
            "茉莉花茶": ["250g"],
            "安吉白茶": ["100g", "礼盒装"],
        },
        (39, 599),
        [6, 12],
    ),
}
BRANDS = {
    "休闲零食": ["山野记", "知味坊"],
    "饮料冲调": ["轻氧", "小森林"],
    "个护清洁": ["悦享家", "轻氧"],
    "家居日用": ["悦享家", "暖阳"],
    "厨房用品": ["暖阳", "知味坊"],
    "母婴用品": ["米优", "小森林"],
    "宠物用品": ["喵小咪", "米优"],
    "数码配件": ["极客派"],
    "茶叶": ["茶里茶外", "山野记"],
}
VARIANTS = ["经典款", "升级款", "尝鲜装", "囤货装", "新品", "限定款", "组合装", "加量装"]

# province -> (population weight, [cities], region used to pick the warehouse, remote?)
PROVINCES: dict[str, tuple[float, list[str], str, bool]] = {
    "广东省": (9.0, ["广州市", "深圳市", "东莞市", "佛山市"], "GZ", False),
    "浙江省": (7.0, ["杭州市", "宁波市", "温州市", "金华市"], "HZ", False),
    "江苏省": (7.5, ["南京市", "苏州市", "无锡市", "常州市"], "HZ", False),
    "上海市": (4.5, ["上海市"], "HZ", False),
    "北京市": (4.0, ["北京市"], "HZ", False),
    "山东省": (6.0, ["济南市", "青岛市", "烟台市"], "HZ", False),
    "河南省": (5.0, ["郑州市", "洛阳市"], "HZ", False),
    "四川省": (5.0, ["成都市", "绵阳市"], "CD", False),
    "湖北省": (4.0, ["武汉市", "宜昌市"], "HZ", False),
    "湖南省": (3.8, ["长沙市", "株洲市"], "GZ", False),
    "福建省": (3.5, ["福州市", "厦门市", "泉州市"], "GZ", False),
    "安徽省": (3.5, ["合肥市", "芜湖市"], "HZ", False),
    "河北省": (3.5, ["石家庄市", "保定市"], "HZ", False),
    "陕西省": (2.5, ["西安市", "咸阳市"], "CD", False),
    "重庆市": (2.5, ["重庆市"], "CD", False),
    "江西省": (2.3, ["南昌市", "赣州市"], "GZ", False),
    "广西壮族自治区": (2.2, ["南宁市", "桂林市"], "GZ", False),
    "辽宁省": (2.5, ["沈阳市", "大连市"], "HZ", False),
    "天津市": (1.8, ["天津市"], "HZ", False),
    "云南省": (2.0, ["昆明市", "大理白族自治州"], "CD", False),
    "山西省": (1.6, ["太原市"], "HZ", False),
    "贵州省": (1.5, ["贵阳市", "遵义市"], "CD", False),
    "黑龙江省": (1.5, ["哈尔滨市"], "HZ", False),
    "吉林省": (1.2, ["长春市"], "HZ", False),
    "海南省": (0.8, ["海口市", "三亚市"], "GZ", False),
    "甘肃省": (0.9, ["兰州市"], "CD", False),
    "宁夏回族自治区": (0.4, ["银川市"], "CD", False),
    "内蒙古自治区": (0.9, ["呼和浩特市", "包头市", "鄂尔多斯市"], "HZ", True),
    "新疆维吾尔自治区": (0.9, ["乌鲁木齐市", "喀什地区", "伊犁哈萨克自治州"], "CD", True),
    "青海省": (0.3, ["西宁市"], "CD", True),
    "西藏自治区": (0.2, ["拉萨市", "日喀则市"], "CD", True),
}
DISTRICTS = ["城区", "高新区", "经开区", "新区", "南区", "北区"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "文化路", "和平路", "长江路", "学院路"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
WAREHOUSES = ["WH-HZ", "WH-GZ", "WH-CD"]
CHANNEL_SKU_FORMAT = {"taobao": "SKU-{:05d}", "douyin": "DY{:05d}", "pdd": "PDD-{:05d}", "jd": "JD{:05d}"}


def build_catalog(seed: int) -> pd.DataFrame:
    """~300 SKUs: title, category, price band, pack size, MOQ, lead time, supplier, popularity weight."""
    rng = np.random.default_rng([seed, 1])
    cats = list(CATEGORIES)
    rows, seen = [], set()
    for i in range(N_SKUS):
        cat = cats[i % len(cats)]
        products, (lo, hi), packs = CATEGORIES[cat]
        noun = list(products)[rng.integers(len(products))]
        spec, brand = products[noun][rng.integers(len(products[noun]))], BRANDS[cat][rng.integers(len(BRANDS[cat]))]
        title = f"{brand} {noun} {spec}"
        free = [v for v in VARIANTS if f"{title} {v}" not in seen]
        if title in seen:  # a listing title is unique in the shop: variants tell them apart
            title = f"{title} {free[rng.integers(len(free))]}" if free else f"{title} {i + 1}号"
        seen.add(title)
        price_fen = int(np.exp(rng.uniform(np.log(lo), np.log(hi)))) * 100 + 90  # "xx.90" pricing
        pack = int(packs[rng.integers(len(packs))])
        rows.append(
            {
                "sku_code": f"SKU-{i + 1:05d}",
                "title": title,
                "category": cat,
                "price_fen": price_fen,
                "pack_size": pack,
                "moq": pack * int(rng.integers(1, 5)),
                "lead_time_days": int(rng.choice([3, 5, 7, 10, 14, 21, 30])),
                "supplier_code": f"SUP-{int(rng.integers(1, 13)):02d}",
            }
        )
    cat_df = pd.DataFrame(rows)
    # long-tail popularity: a few best sellers, many slow movers
    w = 1.0 / np.arange(1, N_SKUS + 1) ** 0.9
    cat_df["weight"] = rng.permutation(w) / w.sum()
    return cat_df


def province_table() -> pd.DataFrame:
    names = list(PROVINCES)
    return pd.DataFrame(
        {
            "province": names,
            "weight": [PROVINCES[p][0] for p in names],
            "wh": ["WH-" + PROVINCES[p][2] for p in names],
            "remote": [PROVINCES[p][3] for p in names],
        }
    )


def channel_sku(channel: str, sku_index: np.ndarray) -> np.ndarray:
    """Channel listing code for internal SKU indexes (0-based); erp-style codes for shops without a format."""
    fmt = CHANNEL_SKU_FORMAT.get(channel, "SKU-{:05d}")
    return np.array([fmt.format(int(i) + 1) for i in sku_index], dtype=object)


# Listings that exist on a channel but were never entered in the ERP's channel map (the "every SKU mapped"
# check must find them). Used only with the unmapped_sku_rate fault (faults.py).
UNMAPPED_CODES = {"taobao": ["SKU-NEW-0901"], "douyin": ["DY-TEMP-77"], "pdd": ["PDD-GIFT-01"], "jd": ["JD-NEW-01"]}
