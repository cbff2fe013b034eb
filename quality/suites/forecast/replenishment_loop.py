"""forecast.replenishment_loop: the closed-loop replay of OrderHub's purchasing policy against textbook policies.
Rates outside 0..1 or negative stock mean the replay is broken; OrderHub holding more stock than a textbook
policy at the same fill rate means the policy, not the data, needs attention (a warning)."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

NON_NEGATIVE = ("inventory_days", "avg_inventory_units", "stockout_sku_days", "orders", "units_bought")
POLICIES = ["orderhub", "rop_ma28", "out_ma28", "out_snaive"]

SUITE = TableSuite(
    table="forecast.replenishment_loop",
    key_columns=("run_at", "lead_time_days", "policy"),
    rules=(
        Rule(
            "results_valid",
            "Known policies; fill rate and service level between 0 and 1; stock, orders and units never negative.",
            blocking=True,
            columns=("policy", "fill_rate", "service_level", *NON_NEGATIVE),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeInSet(
                    column="policy", value_set=POLICIES + [f"{p}@matched" for p in POLICIES[1:]]
                ),
                gxe.ExpectColumnValuesToBeBetween(column="fill_rate", min_value=0, max_value=1),
                gxe.ExpectColumnValuesToBeBetween(column="service_level", min_value=0, max_value=1),
                *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE],
            ],
        ),
        Rule(
            "orderhub_holds_less_than_matched_baselines",
            "Warning: in the latest run, a textbook policy raised to OrderHub's fill rate holds fewer days of "
            "inventory than OrderHub's policy.",
            blocking=False,
            sample_columns=("lead_time_days", "policy", "inventory_days", "orderhub_inventory_days"),
            frame=lambda con, w, s: con.execute("""
                with latest as (
                    select * from forecast.replenishment_loop
                    where run_at = (select max(run_at) from forecast.replenishment_loop)
                ),
                mine as (select lead_time_days, inventory_days from latest where policy = 'orderhub')
                select l.lead_time_days, l.policy, l.inventory_days, mine.inventory_days as orderhub_inventory_days
                from latest l join mine using (lead_time_days)
                where l.policy like '%@matched'""").df(),
            expectations=lambda s, f: [
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="inventory_days", column_B="orderhub_inventory_days", or_equal=True
                )
            ],
        ),
    ),
)
