with

source as (

    select * from inventory.availability

),

renamed as (

    select
        sku_id,
        warehouse_id,
        on_hand,
        locked,
        reserved,
        safety_buffer,
        available,
        available <= 0 as is_stock_out,
        snapshot_at

    from source

)

select * from renamed
