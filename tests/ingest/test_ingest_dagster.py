"""The Dagster wiring: the raw asset lands dropped files, the hub multi-asset rebuilds a partition range,
and the rebuild sensor turns raw materialization metadata into ONE partition-range run."""

from __future__ import annotations

import dagster as dg
from test_ingest_landing import ROWS, _csv

from assets.hub.orders import hub_orders
from assets.raw.channel_orders import raw_channel_orders
from orderhub import warehouse
from pipelines.hub import RANGE_END_TAG, RANGE_START_TAG, clamp_to_partitions, hub_rebuild_sensor
from pipelines.ingest import files_run_config
from resources.bindings import bound
from resources.warehouse import Warehouse


def test_files_then_hub_partitions_through_dagster(orderhub_home, backend):
    drop = orderhub_home.landing_for("taobao") / "report.csv"
    drop.write_bytes(_csv(ROWS))
    resources = {**bound(), "warehouse": Warehouse()}
    instance = dg.DagsterInstance.ephemeral()
    raw = dg.materialize(
        [raw_channel_orders], resources=resources, instance=instance, run_config=files_run_config([str(drop)])
    )
    assert raw.success
    md = raw.asset_materializations_for_node("raw__channel_orders")[0].metadata
    assert (md["received"].value, md["stored"].value, md["quarantined"].value) == (2, 2, 0)
    assert md["touched_start"].value == md["touched_end"].value == "2026-11-11"
    (seen,) = [
        e.event_specific_data.asset_observation for e in raw.all_events if e.event_type_value == "ASSET_OBSERVATION"
    ]
    assert seen.asset_key == dg.AssetKey(["ops", "api_calls"]) and "dagster/row_count" in seen.metadata

    hub = dg.materialize(
        [hub_orders],
        resources=resources,
        instance=instance,
        tags={RANGE_START_TAG: "2026-11-10", RANGE_END_TAG: "2026-11-12"},
    )
    assert hub.success
    con = warehouse.connect()
    assert con.execute("select count(*) from hub.orders").fetchone()[0] == 2
    con.close()

    # the hub was rebuilt after the records landed: the sensor does not ask for that day again
    ctx = dg.build_sensor_context(instance=instance)
    assert isinstance(hub_rebuild_sensor(ctx), dg.SkipReason)

    # a later landing that touches 2026-11-11 again: one run over the touched range
    paid = [*ROWS[1][:3], "买家已付款，等待卖家发货", *ROWS[1][4:9], "2026-11-11 08:05:00", *ROWS[1][10:]]
    later = orderhub_home.landing_for("taobao") / "report-later.csv"
    later.write_bytes(_csv([ROWS[0], paid]))
    raw = dg.materialize(
        [raw_channel_orders], resources=resources, instance=instance, run_config=files_run_config([str(later)])
    )
    assert raw.success
    request = hub_rebuild_sensor(dg.build_sensor_context(instance=instance, cursor=ctx.cursor))
    assert isinstance(request, dg.RunRequest), request
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == ("2026-11-11", "2026-11-11")


def test_clamp_to_partitions():
    keys = ["2026-06-01", "2026-06-02", "2026-06-03"]
    assert clamp_to_partitions("2026-05-01", "2026-06-02", keys) == ("2026-06-01", "2026-06-02")
    assert clamp_to_partitions("2026-07-01", "2026-07-02", keys) is None
