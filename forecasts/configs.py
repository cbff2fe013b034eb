"""Run-time settings of the forecast assets (Dagster Config: editable in the launchpad, no code change)."""

from __future__ import annotations

from datetime import date

import dagster as dg
from pydantic import Field

from forecasts.model import ModelParams
from forecasts.replenishment import ReplenishmentRules


class ForecastConfig(dg.Config):
    """Hyper-parameters of the one HistGradientBoostingRegressor shared by all SKUs."""

    loss: str = Field(default="poisson", description="'poisson' (default), 'absolute_error' or 'squared_error'")
    learning_rate: float = 0.06
    max_iter: int = 250
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    min_history_days: int = Field(default=28, description="below this many days since first sale: fallback rate")
    train_window_days: int = Field(default=364, description="target days used for training")
    interval: float = Field(default=0.8, description="central coverage of the lower/upper bounds")
    target_clip: float = Field(default=10.0, description=">0 caps demand/level in training (bulk one-offs)")
    calendar_country: str = Field(default="CN", description="holiday/festival profile: CN, or any ISO code")
    planned_promo_dates: list[str] = Field(default=[], description="the shop's own campaign days, YYYY-MM-DD")
    seed: int = 7
    n_threads: int = Field(default=1, description="OpenMP threads (1 leaves cores to other runs)")

    def params(self) -> ModelParams:
        return ModelParams(
            loss=self.loss, learning_rate=self.learning_rate, max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization, min_history_days=self.min_history_days,
            train_window_days=self.train_window_days, interval=self.interval, country=self.calendar_country,
            planned_promo_dates=[date.fromisoformat(d) for d in self.planned_promo_dates], seed=self.seed,
            target_clip=self.target_clip, n_threads=self.n_threads,
        )


class BacktestConfig(ForecastConfig):
    n_origins: int = Field(default=4, description="weekly forecast origins, ending 7 days before the data")


class DailyDemandConfig(dg.Config):
    as_of_date: str | None = Field(default=None, description="YYYY-MM-DD; default the last complete order day")


class SafetyStockConfig(dg.Config):
    default_service_level: float = 0.95
    service_level_by_category: dict[str, float] = Field(default={}, description="category -> e.g. 0.98")
    supplier_lead_time_days: dict[str, int] = Field(default={}, description="supplier_id -> days (overrides SKU)")
    sku_lead_time_days: dict[str, int] = Field(default={}, description="sku_id -> days (overrides supplier)")
    review_days: int = Field(default=7, description="how often purchasing reviews suggestions")
    variability_days: int = Field(default=56, description="days of history for the demand std")

    def rules(self) -> ReplenishmentRules:
        return ReplenishmentRules(
            default_service_level=self.default_service_level,
            service_level_by_category=dict(self.service_level_by_category),
            supplier_lead_time_days=dict(self.supplier_lead_time_days),
            sku_lead_time_days=dict(self.sku_lead_time_days),
            review_days=self.review_days, variability_days=self.variability_days,
        )


class ReplenishmentConfig(dg.Config):
    trigger_factor: float = Field(default=1.5, description="suggest when 7-day forecast > factor x safety stock")
    pilot_categories: list[str] = Field(default=[], description="only these categories; empty = all")
    post_to_erp: bool = Field(default=True, description="post the suggestions to the purchasing endpoint")
