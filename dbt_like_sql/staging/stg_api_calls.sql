with

source as (

    select * from ops.api_calls

),

renamed as (

    select
        call_id,
        channel,
        endpoint,
        started_at,
        (started_at at time zone 'Asia/Shanghai')::date as call_day,
        duration_ms,
        http_status,
        attempt,
        ok as is_ok,
        error

    from source

)

select * from renamed
