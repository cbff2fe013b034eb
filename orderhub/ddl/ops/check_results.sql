-- The latest result of every asset check per window, replaced by each evaluation: what the quality gate
-- (orderhub/gate.py) holds downstream work on, what check alerts are keyed by, and what `orderhub status` shows.
create table if not exists ops.check_results (
    asset          varchar not null,   -- the checked table, e.g. 'hub.orders'
    check_name     varchar not null,   -- the check as the Dagster UI names it, e.g. 'money_non_negative'
    window_key     varchar not null,   -- the order-date partition checked (YYYY-MM-DD), or 'all' for a whole table
    is_blocking    boolean not null,   -- a failed blocking check holds everything downstream of its table
    is_passed      boolean not null,
    failing_count  bigint not null,    -- values that broke the rule in this window
    summary        varchar,            -- what failed, in words; null when it passed
    run_id         varchar,            -- the Dagster run that evaluated it
    job_name       varchar,            -- that run's job, or the assets it materialized for a UI materialization
    checked_at     timestamptz not null
);
