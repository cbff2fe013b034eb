"""Matching OrderHub's carrier code (from the waybill service) to a platform's own logistics company.

Every platform identifies carriers its own way (TOP `company_code`, Douyin `company_code`, PDD a numeric
`logistics_id`, JD `logiCoprId`) and publishes the list through an API (`taobao.logistics.companies.get`,
`/order/logisticsCompanyList`, `pdd.logistics.companies.get`). The connectors read that list once and pick
the company whose code equals ours or whose name contains the carrier's Chinese name, so no platform code
is hard-wired here.
"""

from __future__ import annotations

CARRIER_NAMES = {
    "SF": "顺丰",
    "ZTO": "中通",
    "YTO": "圆通",
    "STO": "申通",
    "YD": "韵达",
    "YUNDA": "韵达",
    "JT": "极兔",
    "EMS": "EMS",
    "JD": "京东",
    "DBL": "德邦",
}


def match_company(carrier: str, companies: list[dict], code_key: str, name_key: str) -> dict | None:
    """The company for `carrier` among the platform's list: same code (any case) first, then by name."""
    wanted = carrier.strip().upper()
    for company in companies:
        if str(company.get(code_key, "")).upper() == wanted:
            return company
    name = CARRIER_NAMES.get(wanted)
    if name:
        for company in companies:
            if name in str(company.get(name_key, "")):
                return company
    return None
