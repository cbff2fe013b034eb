"""How each shop lists the catalogue: the platforms' own ids for every listing, a pure function of its index.

Listing i (0-based) is catalogue SKU i; the unmapped listings of the `unmapped_sku_rate` fault come after
(N_SKUS + j). The shapes follow the platforms:

- Taobao: one item (`num_iid`) per listing; about half are listed with a SKU variant (`sku_id`, the SKU's
  outer_id = the merchant code, the item's outer_id = an SPU code `SPU-00001`), the other half without
  variants (the item's outer_id = the merchant code; order lines then carry only `outer_iid`).
- Douyin: products of three SKUs (`product_id`, `sku_id`); the merchant code is the SKU's `code`;
  `out_sku_id` is unset (0), as for most shops.
- Pinduoduo: goods of two SKUs (`goods_id`, `sku_id`), the SKU's `outer_id` = the merchant code.
- JD: wares of two SKUs (`wareId`, `skuId`), `outerSkuId` = the merchant code.

The id functions are cached (serializers call them per line): callers must not mutate what they return.
"""

from __future__ import annotations

from functools import cache

from simulator.catalog import CHANNEL_SKU_FORMAT, N_SKUS, UNMAPPED_CODES
from simulator.hashing import mix_int

TB_ITEM, TB_SKU = 600_000_000_000, 5_000_000_000_000
DY_PRODUCT, DY_SKU = 3_600_000_000_000_000_000, 1_700_000_000_000
PDD_GOODS, PDD_SKU = 300_000_000, 1_000_000_000
JD_WARE, JD_SKU = 10_000_000, 100_000_000


@cache
def all_codes(channel: str) -> tuple[str, ...]:
    fmt = CHANNEL_SKU_FORMAT[channel]
    return tuple(fmt.format(i + 1) for i in range(N_SKUS)) + tuple(UNMAPPED_CODES.get(channel, []))


@cache
def _index(channel: str) -> dict[str, int]:
    return {code: i for i, code in enumerate(all_codes(channel))}


def index_of(channel: str, code: str) -> int | None:
    return _index(channel).get(code)


def taobao_has_sku(i: int) -> bool:
    return i < N_SKUS and mix_int(i, 61) % 2 == 0


@cache
def taobao_ids(i: int) -> dict:
    """num_iid, sku_id (None without variants), the item's outer_id and the SKU's outer_id."""
    code = all_codes("taobao")[i]
    if taobao_has_sku(i):
        return {"num_iid": TB_ITEM + i, "sku_id": TB_SKU + i, "outer_iid": f"SPU-{i + 1:05d}", "outer_sku_id": code}
    return {"num_iid": TB_ITEM + i, "sku_id": None, "outer_iid": code, "outer_sku_id": None}


@cache
def douyin_ids(i: int) -> dict:
    return {"product_id": DY_PRODUCT + i // 3, "sku_id": DY_SKU + i, "code": all_codes("douyin")[i]}


@cache
def pdd_ids(i: int) -> dict:
    return {
        "goods_id": PDD_GOODS + i // 2,
        "sku_id": PDD_SKU + i,
        "outer_id": all_codes("pdd")[i],
        "outer_goods_id": f"G{i // 2 + 1:05d}",
    }


@cache
def jd_ids(i: int) -> dict:
    return {"wareId": JD_WARE + i // 2, "skuId": JD_SKU + i, "outerSkuId": all_codes("jd")[i]}


@cache
def line_index(channel: str, sku: int, code: str) -> int:
    """The listing an order line was sold under: the SKU's own, or the unmapped listing whose code it has."""
    i = index_of(channel, code)
    return sku if i is None else i
