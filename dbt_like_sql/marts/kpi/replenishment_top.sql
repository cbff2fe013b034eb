-- The latest purchase suggestions, most urgent first, with the product names purchasing knows them by.
with

suggestions as (

    select * from stg.stg_replenishment_suggestions

),

skus as (

    select * from stg.stg_skus

),

latest as (

    -- several runs a day may suggest again: keep each SKU's newest suggestion of the newest day
    select *
    from suggestions
    where suggestion_date = (select max(suggestion_date) from suggestions)
    qualify row_number() over (partition by sku_id order by created_at desc) = 1

),

final as (

    select
        row_number() over (
            order by latest.stockout_date nulls last, latest.days_of_cover, latest.sku_id
        ) as suggestion_rank,
        latest.suggestion_date,
        latest.sku_id,
        skus.sku_title,
        latest.category,
        latest.forecast_7d,
        latest.safety_stock,
        latest.available,
        latest.on_order,
        latest.days_of_cover,
        latest.stockout_date,
        latest.surge,
        latest.suggested_qty,
        latest.reason,
        latest.post_status

    from latest
    left join skus on skus.sku_id = latest.sku_id

)

select * from final
order by suggestion_rank
