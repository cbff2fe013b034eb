"""A file channel this project never saw, added by a YAML mapping and its SKU alias file alone (no code):
a Brazilian marketplace's sales report built from the real Olist orders (one row per unit sold, ";"-separated,
Portuguese headers, BRL with a decimal comma, dates mixing MM-DD-YYYY and MM-DD-YY), dropped into its own
landing folder, picked up by the landing sensor and landed by the raw asset with exact accounting: every
line and every centavo in the hub, nothing quarantined in silence."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.raw.channel_orders import raw_channel_orders
from orderhub import settings, warehouse
from orderhub.standardize.hub import build_hub
from orderhub.standardize.skus import load_sku_map
from pipelines.ingest import landing_files_sensor
from resources.bindings import bound
from resources.warehouse import Warehouse

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("ORDERHUB_SHARED_DATA", REPO.parent / "shared" / "data"))
OLIST = SHARED / "olist_subset_10k"
pytestmark = pytest.mark.skipif(
    not (OLIST / "order_items.csv.gz").exists(),
    reason=f"Olist data not found at {OLIST} (set ORDERHUB_SHARED_DATA or put shared/ next to the repository)",
)

MAPPING = """
# A seller's own mapping for the marketplace's "relatório de vendas" (one row per unit sold)
name: mercado_vendas
channel: mercado
source: file
description: Mercado seller panel sales report (one row per unit)
default_shop_id: loja-sp
zone: America/Sao_Paulo
currency: BRL
first_day: 2016-09-01
money: {unit: major, decimal: ","}
time: {format: ["%m-%d-%Y %H:%M:%S", "%m-%d-%y %H:%M"]}
file:
  folder: mercado
  match: "vendas_*.csv"
  delimiter: ";"
  group_by: pedido
order:
  channel_order_id: pedido
  created_at: {path: comprado_em, agg: min}
  paid_at: aprovado_em
  shipped_at: enviado_em
  completed_at: entregue_em
  source_updated_at: {compute: "greatest(created_at, paid_at, shipped_at, completed_at)"}
  total_fen: {path: preco, agg: sum}
  freight_fen: {path: frete, agg: sum}
  paid_fen: {compute: "total_fen + freight_fen"}
  buyer_id: cliente
  receiver_province: uf
  receiver_city: cidade
status:
  path: situacao
  map: {entregue: completed, enviado: shipped, faturado: paid, em processamento: paid, aprovado: paid,
        criado: pending_payment, cancelado: cancelled, indisponivel: cancelled}
lines:
  channel_sku: produto
  quantity: {default: 1}
  unit_price_fen: preco
"""
STATUS_PT = {
    "delivered": "entregue",
    "shipped": "enviado",
    "invoiced": "faturado",
    "processing": "em processamento",
    "approved": "aprovado",
    "created": "criado",
    "canceled": "cancelado",
    "unavailable": "indisponivel",
}


def _report(path: Path) -> dict:
    """The seller panel's CSV from the real Olist orders; returns what the hub must hold."""
    con = duckdb.connect()
    status = "case o.order_status " + " ".join(f"when '{k}' then '{v}'" for k, v in STATUS_PT.items()) + " end"

    def when(col: str, i: str = "i.order_item_id") -> str:  # two-digit years on every other row
        return (
            f"case when {i} % 2 = 0 then strftime({col}, '%m-%d-%y %H:%M') "
            f"else strftime({col}, '%m-%d-%Y %H:%M:%S') end"
        )

    con.execute(f"""create table rows as
        select i.order_id as pedido, i.order_item_id as item, i.product_id as produto, {status} as situacao,
               replace(printf('%.2f', i.price), '.', ',') as preco,
               replace(printf('%.2f', i.freight_value), '.', ',') as frete,
               {when("o.order_purchase_timestamp", "0")} as comprado_em,
               coalesce({when("o.order_approved_at")}, '') as aprovado_em,
               coalesce({when("o.order_delivered_carrier_date")}, '') as enviado_em,
               coalesce({when("o.order_delivered_customer_date")}, '') as entregue_em,
               c.customer_unique_id as cliente, c.customer_state as uf, c.customer_city as cidade,
               round(i.price * 100)::bigint as price_c, round(i.freight_value * 100)::bigint as freight_c
        from read_csv('{OLIST / "order_items.csv.gz"}') i
        join read_csv('{OLIST / "orders.csv.gz"}') o using (order_id)
        join read_csv('{OLIST / "customers.csv.gz"}') c using (customer_id)
        order by pedido, item""")
    con.execute(f"""copy (select * exclude (price_c, freight_c) from rows)
                    to '{path}' (header, delimiter ';')""")
    expected = con.execute("""select count(distinct pedido), count(*), sum(price_c), sum(price_c + freight_c),
                                     count(distinct produto) from rows""").fetchone()
    con.execute(f"""copy (select distinct 'mercado' as channel, produto as channel_sku,
                                 'SKU-' || upper(left(produto, 8)) as sku_id from rows order by 2)
                    to '{path.parent / "aliases.csv"}' (header)""")
    con.close()
    return dict(zip(("orders", "lines", "line_centavos", "paid_centavos", "products"), expected))


def test_a_made_up_file_channel_lands_by_yaml_alone(orderhub_home, tmp_path, monkeypatch):
    own = tmp_path / "seller_mappings"  # the seller's folder: a YAML and its SKU map, no code
    own.mkdir()
    (own / "mercado_vendas.yaml").write_text(MAPPING, encoding="utf-8")
    folder = orderhub_home.landing / "mercado"
    folder.mkdir()
    drop = folder / "vendas_2017.csv"
    expected = _report(drop)
    (folder / "aliases.csv").rename(own / "sku_aliases.csv")  # the seller's SKU map for this channel
    monkeypatch.setenv("ORDERHUB_MAPPINGS_DIR", str(own))
    old = time.time() - 60
    os.utime(drop, (old, old))

    instance = dg.DagsterInstance.ephemeral()
    first = landing_files_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(first, dg.SkipReason)  # seen once: not yet known to be complete
    request = landing_files_sensor(dg.build_sensor_context(instance=instance, cursor=first_cursor(instance)))
    assert isinstance(request, dg.RunRequest)
    resources = {**bound(), "warehouse": Warehouse(path=settings.warehouse_target())}
    run = dg.materialize([raw_channel_orders], resources=resources, instance=instance, run_config=request.run_config)
    assert run.success
    md = run.asset_materializations_for_node("raw__channel_orders")[0].metadata
    received, stored, dedup, quarantined = (md[k].value for k in ("received", "stored", "deduplicated", "quarantined"))
    assert received == expected["orders"] == stored + dedup + quarantined
    con = warehouse.connect(settings.warehouse_target())
    try:
        reasons = con.execute("select reason, count(*) from hub.quarantine group by 1").fetchall()
        # Olist itself has orders handed to the carrier before their payment was approved: quarantined with
        # the reason (the hub's blocking check would otherwise stop every rebuild), never dropped
        assert set(dict(reasons)) <= {"timestamps_out_of_order"} and quarantined == sum(n for _, n in reasons)
        assert dedup == 0 and not drop.exists()
        # 2017 is before this instance's first partition: said in an alert, not skipped
        early = md["dates_before_first_partition"].value
        assert early and early[0] >= "2017-01-01"
        alert = con.execute("select message from ops.alerts where kind = 'history_before_start'").fetchone()[0]
        assert "ORDERHUB_START_DATE" in alert and early[0] in alert
        load_sku_map(con, _no_erp())
        build_hub(con, date(2016, 9, 1), date(2018, 12, 31), "test-salt")
        hub = con.execute("""select count(*), sum(paid_fen), count(distinct currency), min(currency),
                                    min(year(created_at)) from hub.orders""").fetchone()
        lines = con.execute("""select count(*), sum(paid_fen), count(*) filter (where sku_id is null)
                               from hub.order_lines""").fetchone()
        q_lines, q_paid, q_line_centavos = _quarantined_totals(con)
    finally:
        con.close()
    assert hub[0] + quarantined == expected["orders"]
    assert lines[0] + q_lines == expected["lines"]  # every row of the report is a line, here or in quarantine
    assert lines[1] + q_line_centavos == expected["line_centavos"]  # and every centavo
    assert hub[1] + q_paid == expected["paid_centavos"]
    assert (hub[2], hub[3], hub[4]) == (1, "BRL", 2017)  # "01-05-17" is 2017, not the year 17
    assert lines[2] == 0  # every product mapped through the seller's alias file


def first_cursor(instance) -> str:
    ctx = dg.build_sensor_context(instance=instance)
    landing_files_sensor(ctx)
    return ctx.cursor


def _no_erp():
    import pandas as pd

    return pd.DataFrame({"channel": [], "channel_sku": [], "sku_code": []})


def _quarantined_totals(con) -> tuple[int, int, int]:
    """Lines and centavos of the quarantined orders, read back from their raw records."""
    return con.execute("""with q as (select unnest(from_json(record->'rows', '["json"]')) as r from raw.channel_orders
                                     where quarantine_reason is not null)
        select count(*), sum(cast(replace(r->>'preco', ',', '.') as decimal(18,2)) * 100
                             + cast(replace(r->>'frete', ',', '.') as decimal(18,2)) * 100)::bigint,
               sum(cast(replace(r->>'preco', ',', '.') as decimal(18,2)) * 100)::bigint
        from q""").fetchone()
