-- The latest purchase suggestions, biggest first, with the product names purchasing knows them by.
with

suggestions as (

    select * from stg.stg_replenishment_suggestions

),

skus as (

    select * from stg.stg_skus

),

latest as (

    select *
    from suggestions
    where suggestion_date = (select max(suggestion_date) from suggestions)

),

final as (

    select
        row_number() over (order by latest.suggested_qty desc, latest.sku_id) as suggestion_rank,
        latest.suggestion_date,
        latest.sku_id,
        skus.sku_title,
        skus.category,
        latest.suggested_qty,
        latest.reason

    from latest
    left join skus on skus.sku_id = latest.sku_id

)

select * from final
order by suggestion_rank
