with

source as (

    select * from hub.after_sales_tickets

),

renamed as (

    select
        ticket_code,
        order_id,
        channel,
        ticket_type,
        status as ticket_status,
        created_at,
        ticket_type in ('wrong_item', 'wrong_address') as is_shipping_error

    from source

)

select * from renamed
