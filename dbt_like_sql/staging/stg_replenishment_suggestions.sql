with

source as (

    select * from forecast.replenishment_suggestions

),

renamed as (

    select
        suggestion_id,
        suggestion_date,
        sku_id,
        category,
        forecast_7d,
        safety_stock,
        available,
        on_order,
        days_of_cover,
        stockout_date,
        surge,
        suggested_qty,
        reason,
        post_status,
        created_at

    from source
    -- a failed day's need is recomputed by the next run: the superseded row is history, not a suggestion
    where post_status <> 'superseded'

)

select * from renamed
