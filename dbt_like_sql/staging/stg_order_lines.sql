with

source as (

    select * from hub.order_lines

),

renamed as (

    select
        order_id,
        line_no,
        sku_id,
        quantity,
        paid_fen,
        status

    from source

)

select * from renamed
