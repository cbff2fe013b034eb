"""Frozen reference: the after-sales SQL of orderhub/after_sales/normalize.py as it was before the YAML
mappings replaced it (copied verbatim at commit 61244cb). Tests run it next to the compiled mappings to show
that the same records give the same tickets. Do not edit: it is the behaviour being preserved.
"""

from __future__ import annotations

# A timestamp that may be epoch seconds or a Beijing "yyyy-MM-dd HH:mm:ss" string -> timestamptz.
TS = """(case when try_cast({x} as bigint) is not null then to_timestamp(cast({x} as bigint))
          else timezone('Asia/Shanghai', try_strptime(cast({x} as varchar), '%Y-%m-%d %H:%M:%S')) end)"""

REASON_TYPE = """(case when {r} similar to '.*(发错|错发|wrong item).*' then 'wrong_item'
                   when {r} similar to '.*(破损|损坏|坏|damaged).*' then 'damaged'
                   when {r} similar to '.*(地址|address).*' then 'wrong_address' end)"""

TAOBAO = f"""
select 'taobao' as channel, record->>'refund_id' as platform_id, record->>'tid' as channel_order_id,
       case record->>'dispute_type' when 'REFUND' then 'refund_only' when 'REFUND_AND_RETURN' then 'return'
            when 'WRONG_ITEM' then 'wrong_item' when 'DAMAGED' then 'damaged'
            when 'WRONG_ADDRESS' then 'wrong_address' end as ticket_type,
       record->>'status' as source_status,
       case record->>'status' when 'WAIT_SELLER_AGREE' then 'open' when 'SUCCESS' then 'success'
            when 'CLOSED' then 'withdrawn' end as outcome,
       cast(round(try_cast(record->>'refund_fee' as decimal(18, 2)) * 100) as bigint) as refund_fen,
       false as is_exchange, record->>'reason' as reason,
       {TS.format(x="record->>'created'")} as created_at, {TS.format(x="record->>'modified'")} as updated_at,
       record, content_hash
from incoming where channel = 'taobao'
"""

DOUYIN = f"""
select 'douyin', record->>'aftersale_id', record->>'order_id',
       coalesce({REASON_TYPE.format(r="record->>'reason_text'")},
                case record->>'aftersale_type' when '0' then 'return' when '1' then 'refund_only'
                     when '2' then 'return' end),
       record->>'aftersale_status',
       case record->>'aftersale_status' when '6' then 'open' when '12' then 'success' when '28' then 'withdrawn' end,
       try_cast(record->>'refund_amount' as bigint), record->>'aftersale_type' = '2', record->>'reason_text',
       {TS.format(x="record->>'create_time'")}, {TS.format(x="record->>'update_time'")}, record, content_hash
from incoming where channel = 'douyin'
"""

PDD = f"""
select 'pdd', record->>'id', record->>'order_sn',
       coalesce({REASON_TYPE.format(r="record->>'after_sales_reason'")},
                case record->>'after_sales_type' when '2' then 'refund_only' when '3' then 'return'
                     when '4' then 'return' end),
       record->>'after_sales_status',
       case record->>'after_sales_status' when '1' then 'open' when '10' then 'success' when '16' then 'withdrawn' end,
       try_cast(record->>'refund_amount' as bigint), record->>'after_sales_type' = '4', record->>'after_sales_reason',
       {TS.format(x="record->>'created_time'")}, {TS.format(x="record->>'updated_time'")}, record, content_hash
from incoming where channel = 'pdd'
"""

# Canonical columns: ticket_code, source, channel, channel_order_id, ticket_type, source_status, outcome,
# refund_fen, is_exchange, reason, created_at, updated_at, record, content_hash
CHANNEL_SQL = f"""
select channel || ':' || platform_id as ticket_code, 'channel_api' as source, *
from ({TAOBAO} union all {DOUYIN} union all {PDD})
"""

CS_SQL = """
select record->>'ticket_code' as ticket_code, coalesce(record->>'source', 'cs_form') as source,
       record->>'channel' as channel, record->>'channel_order_id' as channel_order_id,
       record->>'ticket_type' as ticket_type, record->>'status' as source_status,
       case record->>'status' when 'open' then 'open' when 'resolved' then 'resolved'
            when 'closed' then 'success' end as outcome,
       null::bigint as refund_fen, false as is_exchange, null::varchar as reason,
       try_cast(record->>'created_at' as timestamptz) as created_at,
       try_cast(record->>'updated_at' as timestamptz) as updated_at, record, content_hash
from incoming where channel = 'cs'
"""
