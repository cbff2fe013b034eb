"""hub.skus and hub.sku_map from the ERP item master (the seller's system of record for products)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.standardize.loader import mapping_dirs
from orderhub.standardize.mapping import MappingError, TimeFormat
from orderhub.standardize.moves import QUARANTINE_COLUMNS
from orderhub.standardize.sqlvalues import parse_money, parse_time
from orderhub.transaction import transaction
from orderhub.upsert import insert_or_ignore

ALIASES_FILE = "sku_aliases.csv"
ERP_TIME = TimeFormat("%Y/%m/%d %H:%M:%S", "Asia/Shanghai")


def load_skus(con: duckdb.DuckDBPyConnection, items: pd.DataFrame) -> int:
    """Replace hub.skus from erp_items; items with an unreadable price go to hub.quarantine (entity 'sku')."""
    items = items.astype(dict.fromkeys(items.columns, "string"))  # read by name in the SQL below
    price = parse_money("nullif(trim(price_yuan), '')", "yuan")
    iso_beijing = TimeFormat("%Y-%m-%d %H:%M:%S", "Asia/Shanghai")
    updated = f"coalesce({parse_time('updated', ERP_TIME)}, {parse_time('updated', iso_beijing)})"
    con.execute(f"""create or replace temp table _skus as
        select sku_code as sku_id, title, category, {price} as price_fen, try_cast(pack_size as integer) as pack_size,
               try_cast(moq as integer) as min_order_qty, try_cast(lead_time_days as integer) as lead_time_days,
               supplier_code as supplier_id, {updated} as updated_at,
               to_json(struct_pack(sku_code, title, category, price_yuan, pack_size, moq, lead_time_days,
                                   supplier_code, updated)) as record
        from items""")
    now = datetime.now(UTC)
    with transaction(con):
        claim(con, "hub.skus")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from hub.skus")
        con.execute("""insert into hub.skus select sku_id, title, coalesce(category, ''), price_fen, pack_size,
                           min_order_qty, lead_time_days, supplier_id, updated_at from _skus
                       where sku_id is not null and title is not null and price_fen is not null
                         and pack_size is not null and min_order_qty is not null and lead_time_days is not null""")
        insert_or_ignore(
            con,
            "hub.quarantine",
            ["quarantine_id"],
            """select sha256('sku|' || sha256(record::varchar) || '|bad_item'), 'sku', 'erp', 'erp', null,
                   sha256(record::varchar), 'bad_item', 'ERP item ' || coalesce(sku_id, '?') ||
                   ' has an empty or unreadable code, title, price, pack size, MOQ or lead time', record, ?
            from _skus where sku_id is null or title is null or price_fen is null or pack_size is null
                          or min_order_qty is null or lead_time_days is null""",
            [now],
            columns=QUARANTINE_COLUMNS.split(", "),
        )
    return con.execute("select count(*) from hub.skus").fetchone()[0]


def read_aliases() -> pd.DataFrame:
    """The seller's channel SKU aliases: `sku_aliases.csv` (channel,channel_sku,sku_id) in each mapping folder,
    the seller's own folder (ORDERHUB_MAPPINGS_DIR) winning on a (channel, channel_sku) both list. Rows with an
    empty field are ignored; comments start with #."""
    frames = []
    for rank, folder in enumerate(mapping_dirs()):
        path = folder / ALIASES_FILE
        if path.exists():
            frame = pd.read_csv(path, dtype=str, comment="#", skipinitialspace=True, keep_default_na=False)
            missing = {"channel", "channel_sku", "sku_id"} - set(frame.columns)
            if missing:
                raise MappingError(
                    f"{path}: needs the columns channel, channel_sku, sku_id (missing {sorted(missing)})"
                )
            frames.append(frame[["channel", "channel_sku", "sku_id"]].assign(rank=rank))
    if not frames:
        return pd.DataFrame({"channel": [], "channel_sku": [], "sku_id": []}, dtype="string")
    out = pd.concat(frames).apply(lambda c: c.str.strip() if c.dtype == object else c)
    out = out[(out["channel"] != "") & (out["channel_sku"] != "") & (out["sku_id"] != "")]
    return out.sort_values("rank").drop_duplicates(["channel", "channel_sku"]).drop(columns="rank").astype("string")


def load_sku_map(con: duckdb.DuckDBPyConnection, channel_skus: pd.DataFrame) -> int:
    """Replace hub.sku_map: the ERP's channel SKU codes, plus the ERP's own codes for ERP orders, and the
    seller's alias file (which wins where both map a code)."""
    channel_skus = channel_skus.astype(dict.fromkeys(channel_skus.columns, "string"))  # read by name in the SQL below
    aliases = read_aliases()  # noqa: F841 - read by name in the SQL below
    with transaction(con):
        claim(con, "hub.sku_map")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from hub.sku_map")
        con.execute("""insert into hub.sku_map (channel, channel_sku, sku_id, source)
            select channel, channel_sku, sku_id, 'alias_file' from aliases
            union all
            select channel, channel_sku, sku_id, 'erp' from (
                select distinct on (channel, channel_sku) channel, channel_sku, sku_code as sku_id from channel_skus
                where channel is not null and channel_sku is not null and sku_code is not null
                union all
                select 'erp', sku_id, sku_id from hub.skus
                  where not exists (select 1 from channel_skus c where c.channel = 'erp')
            ) erp anti join aliases a using (channel, channel_sku)""")
    return con.execute("select count(*) from hub.sku_map").fetchone()[0]


def refresh_aliases(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the alias file now, keeping the ERP's rows it does not override (a seller's fix without an ERP
    round trip: `orderhub quarantine replay` runs it). Returns the number of alias rows."""
    aliases = read_aliases()  # noqa: F841 - read by name in the SQL below
    with transaction(con):
        claim(con, "hub.sku_map")
        con.execute("delete from hub.sku_map where source = 'alias_file'")
        con.execute(
            "delete from hub.sku_map where (channel, channel_sku) in (select (channel, channel_sku) from aliases)"
        )
        con.execute("""insert into hub.sku_map (channel, channel_sku, sku_id, source)
            select channel, channel_sku, sku_id, 'alias_file' from aliases""")
    return len(read_aliases())
