with

source as (

    select * from hub.skus

),

renamed as (

    select
        sku_id,
        title as sku_title,
        category,
        lead_time_days

    from source

)

select * from renamed
