with

source as (

    select * from hub.orders

),

renamed as (

    select
        order_id,
        channel,
        shop_id,
        status,
        order_date,
        created_at,
        paid_at,
        shipped_at,
        completed_at,
        cancelled_at,
        paid_fen,
        receiver_province,
        paid_at is not null as is_paid,
        shipped_at is not null as is_shipped,
        status in ('cancelled', 'refunded') as is_cancelled_or_refunded

    from source

)

select * from renamed
