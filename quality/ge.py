"""Great Expectations 1.x, called directly: one ephemeral context per process, pandas batches.

GE is imported lazily (≈2 s) so loading the Dagster definitions stays fast; suites refer to
expectations through the `gxe` proxy, which only imports GE when a check actually runs.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SAMPLE_INDEXES = 20  # GE's SUMMARY result format returns up to 20 failing row indexes per expectation


class _LazyExpectations:
    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("great_expectations.expectations"), name)


gxe = _LazyExpectations()
_BATCH_DEFINITION: Any = None


@dataclass
class Outcome:
    """One expectation's verdict over a frame."""

    expectation: str  # e.g. "expect_column_values_to_be_unique(order_id)"
    success: bool
    unexpected_count: int
    failing_index: list = field(default_factory=list)
    error: str | None = None


def _batch_definition() -> Any:
    global _BATCH_DEFINITION
    if _BATCH_DEFINITION is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_pandas("orderhub").add_dataframe_asset("frame")
        _BATCH_DEFINITION = asset.add_batch_definition_whole_dataframe("whole_frame")
    return _BATCH_DEFINITION


def _label(config: Any) -> str:
    kw = config.kwargs
    cols = [str(kw[k]) for k in ("column", "column_A", "column_B") if kw.get(k)]
    return f"{config.type}({', '.join(cols)})"


def validate(frame: pd.DataFrame, expectations: list, name: str = "suite") -> list[Outcome]:
    import great_expectations as gx

    if not expectations:
        return []
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "SUMMARY"})
    outcomes = []
    for r in result.results:
        info = r.exception_info or {}
        error = info.get("exception_message") if info.get("raised_exception") else None
        if error is None and isinstance(info, dict):  # GE nests metric errors one level down
            nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
            error = nested[0].get("exception_message") if nested else None
        res = r.result or {}
        outcomes.append(
            Outcome(
                expectation=_label(r.expectation_config),
                success=bool(r.success),
                unexpected_count=int(res.get("unexpected_count") or 0),
                failing_index=list(res.get("partial_unexpected_index_list") or []),
                error=error,
            )
        )
    return outcomes
