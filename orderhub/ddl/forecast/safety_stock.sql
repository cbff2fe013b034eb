-- Safety stock per SKU over its cover (lead time + review period): a factor times the SKU's dispersion (+ a share of the forecast), plus the
-- supplier's delivery spread (method 'forecast_errors'). The factor: per volume band, the least with which the
-- forecast's own past errors over that cover would have served the category's fill-rate target (share of units
-- from stock; or, with service_measure 'cycle', the errors' quantile at the service level); the normal z while
-- too few errors are known (method 'normal').
-- key: sku_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.safety_stock (
    sku_id          varchar not null,
    category        varchar not null,
    supplier_id     varchar,
    service_level   double not null,     -- fill-rate target (default) or cycle service level
    z               double not null,     -- normal quantile of the service level
    lead_time_days  integer not null,
    review_days     integer not null,
    daily_mean      double not null,
    daily_sd        double not null,
    safety_stock    double not null,
    as_of_date      date not null,
    computed_at     timestamptz not null
);
alter table forecast.safety_stock add column if not exists method varchar;  -- 'forecast_errors' | 'normal' (too few pairs yet)
alter table forecast.safety_stock add column if not exists cover_days integer;  -- lead time + review period
alter table forecast.safety_stock add column if not exists cover_demand double;  -- forecast units over the cover, as planned with (see forecast_weight)
alter table forecast.safety_stock add column if not exists error_quantile double;  -- the factor q: safety stock (before the delivery spread) = q x dispersion + forecast_share x cover_demand
alter table forecast.safety_stock add column if not exists error_pairs integer;  -- past (forecast, actual) pairs behind it
alter table forecast.safety_stock add column if not exists lead_days_sd double;  -- supplier's delivery spread, days
alter table forecast.safety_stock add column if not exists cover_dispersion double;  -- sd of a year's cover-long demand totals + 1, or of its daily demand x sqrt(cover) + 1 when the past errors needed less stock with that
alter table forecast.safety_stock add column if not exists forecast_weight double;  -- the model's share in the forecast planned with; the rest is the 28-day mean (the share with which the past errors needed the least stock)
alter table forecast.safety_stock add column if not exists mean_28d double;  -- mean daily units over the last 28 days (the other forecast in the blend)
alter table forecast.safety_stock add column if not exists forecast_share double;  -- part of the safety stock proportional to the forecast over the cover (0-0.2 of it)
