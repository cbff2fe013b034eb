"""Push available stock back to every channel, retrying previous failures and logging every attempt.

Plan per channel SKU (hub.sku_map): quantity = max(network available - extra_buffer, 0). A SKU is pushed
when the channel lists something else (or nothing), or when its latest push failed. Dry runs log the plan
with ok = null and send nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

import duckdb
import pandas as pd

from orderhub.inventory.alerting import sync_alerts
from orderhub.inventory.channel_stock import SELLABLE_SQL
from orderhub.transaction import transaction

ASSET = "inventory.stock_push_log"

PLAN_SQL = f"""
with mapped as (
    select channel, channel_sku, sku_id from hub.sku_map where channel = $channel
),
sellable as ({SELLABLE_SQL}),
listed as (
    select channel_sku, listed_qty from inventory.channel_listings where channel = $channel
),
last_push as (
    select channel_sku, ok, is_dry_run from inventory.stock_push_log
    where channel = $channel and not is_dry_run
    qualify row_number() over (partition by channel_sku order by pushed_at desc, push_id) = 1
)
select m.channel_sku, m.sku_id,
       cast(greatest(coalesce(s.available_qty, 0) - $extra_buffer, 0) as integer) as quantity,
       l.listed_qty as previous_qty,
       coalesce(not p.ok, false) as is_retry
from mapped m
left join sellable s using (sku_id)
left join listed l using (channel_sku)
left join last_push p using (channel_sku)
where l.listed_qty is distinct from greatest(coalesce(s.available_qty, 0) - $extra_buffer, 0) or not p.ok
order by m.channel_sku
"""


def plan_push(con: duckdb.DuckDBPyConnection, channel: str, extra_buffer: int = 0) -> pd.DataFrame:
    """channel_sku, sku_id, quantity, previous_qty, is_retry for every SKU that needs pushing."""
    return con.execute(PLAN_SQL, {"channel": channel, "extra_buffer": extra_buffer}).df()


def push_channel(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    push: Callable[[list[dict]], list[dict]],
    *,
    dry_run: bool,
    now: datetime,
    run_id: str | None = None,
    extra_buffer: int = 0,
) -> dict[str, int]:
    """Push one channel's plan with `push` (the channel client's push_stock) and log every SKU's outcome.

    A SKU the client did not report on is logged as failed (never silently skipped). Failures raise or
    clear one alert per channel. Returns counts."""
    plan = plan_push(con, channel, extra_buffer)
    if dry_run or plan.empty:
        results = pd.DataFrame({"channel_sku": plan["channel_sku"], "ok": pd.NA, "error": None})
    else:
        items = [{"channel_sku": s, "quantity": int(q)} for s, q in zip(plan["channel_sku"], plan["quantity"])]
        reported = pd.DataFrame(push(items), columns=["channel_sku", "quantity", "ok", "error"])
        results = plan[["channel_sku"]].merge(
            reported[["channel_sku", "ok", "error"]].drop_duplicates("channel_sku"), on="channel_sku", how="left"
        )
        unreported = results["ok"].isna()
        results.loc[unreported, "ok"] = False
        results.loc[unreported, "error"] = "no result from channel client"
    log = plan.merge(results, on="channel_sku")
    log.insert(0, "push_id", [uuid.uuid4().hex for _ in range(len(log))])
    log["run_id"], log["channel"], log["is_dry_run"], log["pushed_at"] = run_id, channel, dry_run, now
    log = log[
        [
            "push_id",
            "run_id",
            "channel",
            "channel_sku",
            "sku_id",
            "quantity",
            "previous_qty",
            "is_dry_run",
            "ok",
            "error",
            "pushed_at",
        ]
    ]
    failed = log[log["ok"].eq(False)] if not dry_run else log.iloc[0:0]
    with transaction(con):
        con.execute("insert into inventory.stock_push_log select * from log")
        if not dry_run:
            sample = ", ".join(failed["channel_sku"].head(10))
            sync_alerts(
                con,
                prefix=f"stock_push:{channel}",
                kind="stock_push_failed",
                severity="error",
                asset=ASSET,
                cleared_message="stock push recovered",
                current={"failed": f"{len(failed)} SKU stock pushes to {channel} failed (retried next run): {sample}"}
                if len(failed)
                else {},
            )
    return {
        "planned": len(plan),
        "pushed_ok": int(log["ok"].eq(True).sum()),
        "failed": len(failed),
        "retried": int(plan["is_retry"].sum()) if len(plan) else 0,
        "dry_run": int(dry_run),
    }
