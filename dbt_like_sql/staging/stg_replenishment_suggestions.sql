with

source as (

    select * from forecast.replenishment_suggestions

),

renamed as (

    select
        sku_id,
        suggestion_date,
        suggested_qty,
        reason

    from source

)

select * from renamed
