"""ops.check_results: the latest verdict of every asset check per window. No asset builds it: every check
step (quality/checks.py, quality/sql_tests.py) replaces its rows as it evaluates. The quality gate
(orderhub/gate.py, resources/gate.py) holds everything downstream of a window whose latest blocking check
failed, and check alerts are keyed by the same window. Declared here so the UI shows what it holds."""

import dagster as dg

from assets.tables import key

check_results = dg.AssetSpec(
    key=key("ops.check_results"),
    description="The latest result of every asset check for each window (order-date partition, or 'all' for a "
    "whole table). A window whose latest blocking check failed is held: nothing downstream of that table builds "
    "until the same window passes again.",
    kinds={"duckdb"},
    group_name="ops",
)
