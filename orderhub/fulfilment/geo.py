"""Provinces, the warehouse each one ships from first, and remote regions with their delivery promise.

Allocation rule (documented for sellers): an order ships from the nearest warehouse (by the province
ranking below) that holds enough free stock for ALL of its unshipped lines; orders are never split
across warehouses. Remote regions take longer whatever the warehouse; their promise is `remote_days`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

WAREHOUSES = ("WH-HZ", "WH-GZ", "WH-CD")  # Hangzhou, Guangzhou, Chengdu
EAST, SOUTH, SOUTHWEST, NORTHWEST = (
    ("WH-HZ", "WH-GZ", "WH-CD"),
    ("WH-GZ", "WH-HZ", "WH-CD"),
    ("WH-CD", "WH-GZ", "WH-HZ"),
    ("WH-CD", "WH-HZ", "WH-GZ"),
)

# (Chinese short name, English name, warehouse preference, remote delivery promise in days or None)
PROVINCES: list[tuple[str, str, tuple[str, ...], int | None]] = [
    ("上海", "Shanghai", EAST, None),
    ("江苏", "Jiangsu", EAST, None),
    ("浙江", "Zhejiang", EAST, None),
    ("安徽", "Anhui", EAST, None),
    ("福建", "Fujian", EAST, None),
    ("江西", "Jiangxi", EAST, None),
    ("山东", "Shandong", EAST, None),
    ("北京", "Beijing", EAST, None),
    ("天津", "Tianjin", EAST, None),
    ("河北", "Hebei", EAST, None),
    ("山西", "Shanxi", EAST, None),
    ("辽宁", "Liaoning", EAST, None),
    ("吉林", "Jilin", EAST, None),
    ("黑龙江", "Heilongjiang", EAST, None),
    ("河南", "Henan", EAST, None),
    ("湖北", "Hubei", EAST, None),
    ("内蒙古", "Inner Mongolia", EAST, 5),
    ("广东", "Guangdong", SOUTH, None),
    ("广西", "Guangxi", SOUTH, None),
    ("海南", "Hainan", SOUTH, None),
    ("湖南", "Hunan", SOUTH, None),
    ("香港", "Hong Kong", SOUTH, None),
    ("澳门", "Macau", SOUTH, None),
    ("台湾", "Taiwan", SOUTH, None),
    ("四川", "Sichuan", SOUTHWEST, None),
    ("重庆", "Chongqing", SOUTHWEST, None),
    ("贵州", "Guizhou", SOUTHWEST, None),
    ("云南", "Yunnan", SOUTHWEST, None),
    ("西藏", "Tibet", SOUTHWEST, 8),
    ("陕西", "Shaanxi", NORTHWEST, None),
    ("甘肃", "Gansu", NORTHWEST, 5),
    ("青海", "Qinghai", NORTHWEST, 6),
    ("宁夏", "Ningxia", NORTHWEST, 5),
    ("新疆", "Xinjiang", NORTHWEST, 7),
]
ALIASES = {"Tibet": ("Xizang",), "Inner Mongolia": ("Nei Mongol", "Neimenggu")}


def province_frame() -> pd.DataFrame:
    """One row per (alias, warehouse): province, alias (a prefix to match), warehouse_id, rank, remote_days."""
    rows = []
    for cn, en, prefs, remote in PROVINCES:
        for alias in (cn, en, *ALIASES.get(en, ())):
            for rank, wh in enumerate(prefs, start=1):
                rows.append((cn, alias.lower(), wh, rank, remote))
    return pd.DataFrame(rows, columns=["province", "alias", "warehouse_id", "rank", "remote_days"])


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Expose temp table `geo_rank(province, alias, warehouse_id, rank, remote_days)` on this connection."""
    frame = province_frame()  # noqa: F841 - used in SQL
    con.execute("create or replace temp table geo_rank as select * from frame")


# SQL predicate matching a free-text receiver province ("浙江省", "新疆维吾尔自治区", "Xinjiang") to geo_rank.
MATCH_SQL = "starts_with(lower(trim({col})), g.alias)"


def province_lookup_sql(source: str) -> str:
    """SQL for (receiver_province, province, home_warehouse, remote_days) over the DISTINCT receiver provinces
    of `source` (a table/CTE with receiver_province): the prefix match runs on a few dozen strings, and
    callers join back on equality."""
    return f"""
    select p.receiver_province, any_value(g.province) as province,
           min_by(g.warehouse_id, g.rank) as home_warehouse, any_value(g.remote_days) as remote_days
    from (select distinct receiver_province from {source}) p
    join geo_rank g on {MATCH_SQL.format(col="p.receiver_province")}
    group by p.receiver_province
    """
