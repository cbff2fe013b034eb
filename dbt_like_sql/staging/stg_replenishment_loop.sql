with

source as (

    select * from forecast.replenishment_loop

),

latest as (

    select *
    from source
    where run_at = (select max(run_at) from source)

)

select * from latest
