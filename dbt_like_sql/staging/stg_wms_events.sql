with

source as (

    select * from ops.wms_events

),

renamed as (

    select
        event_id,
        task_id,
        order_id,
        event_type,
        operator_id,
        warehouse_id,
        occurred_at,
        -- operators work Beijing-time shifts, so productivity is counted per business day
        (occurred_at at time zone 'Asia/Shanghai')::date as event_day

    from source

)

select * from renamed
