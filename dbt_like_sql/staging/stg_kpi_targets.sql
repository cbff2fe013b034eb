-- The targets the business is judged by, kept in one place so every mart and the dashboard agree.
with

targets as (

    select
        30 as sla_target_minutes,
        0.5 as shipping_error_target_permille,
        0.992 as api_success_target,
        0.40 as productivity_change_target

)

select * from targets
