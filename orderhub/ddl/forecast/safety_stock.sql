-- Safety stock per SKU: z(service level of its category) x sd of daily demand x sqrt(lead time + review).
-- key: sku_id (unique: writers MERGE on it and the key_unique check verifies it; DuckLake has no constraints)
create table if not exists forecast.safety_stock (
    sku_id          varchar not null,
    category        varchar not null,
    supplier_id     varchar,
    service_level   double not null,
    z               double not null,
    lead_time_days  integer not null,
    review_days     integer not null,
    daily_mean      double not null,
    daily_sd        double not null,
    safety_stock    double not null,
    as_of_date      date not null,
    computed_at     timestamptz not null
);
