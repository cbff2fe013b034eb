with

source as (

    select * from hub.fulfilment_tasks

),

renamed as (

    select
        task_id,
        order_id,
        channel,
        status as task_status,
        warehouse_id,
        paid_at,
        -- OrderHub first looked at the paid order (allocated it or put it on backorder)
        created_at as picked_up_at,
        allocated_at,
        waybill_at,
        -- the shipment task exists in the WMS: the end of "processing" for the 30-minute SLA
        sent_to_wms_at as task_created_at,
        shipped_at,
        status = 'backorder' as is_backorder

    from source

)

select * from renamed
