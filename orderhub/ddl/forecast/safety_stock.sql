-- Safety stock per SKU over its cover (lead time + review period): the quantile, at the category's service level,
-- of the forecast's own past errors over that cover counted in units of the SKU's cover dispersion (sd of a year
-- of cover-long demand totals), times that dispersion, plus the supplier's delivery spread (method
-- 'forecast_errors'); the normal z in place of the quantile while too few errors are known (method 'normal').
-- key: sku_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.safety_stock (
    sku_id          varchar not null,
    category        varchar not null,
    supplier_id     varchar,
    service_level   double not null,
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
alter table forecast.safety_stock add column if not exists cover_demand double;  -- forecast units over the cover
alter table forecast.safety_stock add column if not exists error_quantile double;  -- standardized error at the service level
alter table forecast.safety_stock add column if not exists error_pairs integer;  -- past (forecast, actual) pairs behind it
alter table forecast.safety_stock add column if not exists lead_days_sd double;  -- supplier's delivery spread, days
alter table forecast.safety_stock add column if not exists cover_dispersion double;  -- sd of a year's cover-long demand totals + 1
