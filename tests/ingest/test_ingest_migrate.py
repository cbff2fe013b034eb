"""Warehouses from before content_hash became md5_number, and from before it became a UUID, are upgraded in place on
connect, losing nothing."""

from __future__ import annotations

import pytest
from ingest_kit import SALT, land_fixture, rebuild, snapshot

from orderhub import settings, warehouse
from orderhub.migrate import upgrade

pytestmark = pytest.mark.both_backends
OLD_FILES = "warehouses of earlier releases are DuckDB files (ALTER COLUMN TYPE, which they need, has no DuckLake form)"


def _downgrade(con) -> None:
    """The old shape: sha256 hex text of the record in raw, facts, history and order quarantine rows; the
    full 64-hex salted sha256 as buyer_key."""
    con.execute(f"""update hub.orders o set buyer_key = sha256('{SALT}|' || f.channel || '|' || f.buyer_id)
                    from raw.channel_order_facts f where f.order_id = o.order_id and o.buyer_key is not null""")
    con.execute(
        "create temp table _old as select content_hash as new_hash, sha256(record::varchar) as old_hash "
        "from raw.channel_orders"
    )
    con.execute("alter table raw.channel_orders alter content_hash type varchar using sha256(record::varchar)")
    con.execute("delete from raw.channel_order_facts")
    con.execute("alter table raw.channel_order_facts alter content_hash type varchar")
    con.execute("alter table hub.order_status_history alter content_hash type varchar")
    con.execute(
        "update hub.order_status_history h set content_hash = o.old_hash from _old o "
        "where h.content_hash = o.new_hash::varchar"
    )
    con.execute(
        "update hub.quarantine q set content_hash = o.old_hash from _old o where q.content_hash = o.new_hash::varchar"
    )
    con.execute("delete from ops.schema_migrations")  # older versions recorded no steps


def _to_md5_number(con) -> None:
    """The shape of the previous release: content_hash = md5_number(record text) as UHUGEINT everywhere."""
    con.execute(
        "create temp table _old as select content_hash as new_hash, md5_number(record::varchar) as old_hash "
        "from raw.channel_orders"
    )
    con.execute("alter table raw.channel_orders alter content_hash type uhugeint using md5_number(record::varchar)")
    con.execute("delete from raw.channel_order_facts")
    con.execute("alter table raw.channel_order_facts alter content_hash type uhugeint using null")
    con.execute("alter table hub.order_status_history alter content_hash type varchar")
    con.execute(
        "update hub.order_status_history h set content_hash = o.old_hash::varchar from _old o "
        "where h.content_hash = o.new_hash::varchar"
    )
    con.execute("alter table hub.order_status_history alter content_hash type uhugeint")
    con.execute(
        "update hub.quarantine q set content_hash = o.old_hash::varchar from _old o "
        "where q.content_hash = o.new_hash::varchar"
    )
    con.execute("delete from ops.schema_migrations where step = 'content_hash_to_uuid'")


def _content_hash_types(con) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select data_type from information_schema.columns where column_name = 'content_hash' "
            "and table_schema in ('raw', 'hub') and table_name <> 'quarantine'"
        ).fetchall()
    }


@pytest.mark.file_only(OLD_FILES)
def test_old_warehouse_is_upgraded_and_rebuilds_the_same_hub(orderhub_home):
    path = settings.warehouse_target()
    con = warehouse.connect(path)
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)
    rebuild(con)
    hub, raw = snapshot(con), con.execute("select * from raw.channel_orders order by all").fetchall()
    quarantine = con.execute("select * from hub.quarantine order by all").fetchall()
    assert any(q[1] == "order" for q in quarantine)
    _downgrade(con)
    con.close()

    con = warehouse.connect(path)  # upgrades
    assert _content_hash_types(con) == {"UUID"}
    assert con.execute("select * from raw.channel_orders order by all").fetchall() == raw
    assert con.execute("select count(*) from hub.orders where length(buyer_key) = 32").fetchone()[0] > 0
    assert snapshot(con) == hub  # history lineage translated to the new hashes
    assert con.execute("select * from hub.quarantine order by all").fetchall() == quarantine
    assert con.execute("select step, changed from ops.schema_migrations order by 1").fetchall() == [
        ("buyer_key_to_128_bits", True),
        ("check_alerts_keyed_by_window", False),
        ("content_hash_to_md5_number", True),
        ("content_hash_to_uuid", False),  # the first step goes straight to today's type
        ("lake_layout", False),
        ("personal_data_to_tokens", False),
        ("ticket_personal_data_to_tokens", False),
    ]
    assert upgrade(con) == []  # a second run is a no-op
    rebuild(con)  # the emptied facts are re-standardized from raw
    assert snapshot(con) == hub
    # a record delivered again after the upgrade still dedupes against what the old version stored
    assert land_fixture(con, "taobao_api").stored == 0
    con.close()


@pytest.mark.file_only(OLD_FILES)
def test_an_md5_number_warehouse_gets_uuid_hashes_and_rebuilds_the_same_hub(orderhub_home):
    """The previous release's UHUGEINT hashes: a DuckLake would store them as lossy DOUBLEs in Parquet."""
    path = settings.warehouse_target()
    con = warehouse.connect(path)
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)
    rebuild(con)
    hub, raw = snapshot(con), con.execute("select * from raw.channel_orders order by all").fetchall()
    quarantine = con.execute("select * from hub.quarantine order by all").fetchall()
    _to_md5_number(con)
    assert _content_hash_types(con) == {"UHUGEINT"}
    con.close()

    con = warehouse.connect(path)  # upgrades
    assert _content_hash_types(con) == {"UUID"}
    assert dict(con.execute("select step, changed from ops.schema_migrations").fetchall())["content_hash_to_uuid"]
    assert con.execute("select * from raw.channel_orders order by all").fetchall() == raw
    assert snapshot(con) == hub  # history lineage translated to the new hashes
    assert con.execute("select * from hub.quarantine order by all").fetchall() == quarantine
    rebuild(con)
    assert snapshot(con) == hub
    assert land_fixture(con, "taobao_api").stored == 0  # still recognised as already landed
    con.close()


def test_a_new_warehouse_records_the_steps_as_not_needed(orderhub_home):
    con = warehouse.connect()
    assert con.execute("select step, changed from ops.schema_migrations order by 1").fetchall() == [
        ("buyer_key_to_128_bits", False),
        ("check_alerts_keyed_by_window", False),
        ("content_hash_to_md5_number", False),
        ("content_hash_to_uuid", False),
        ("lake_layout", orderhub_home.backend == "ducklake"),  # zstd Parquet, hub partitioned by day
        ("personal_data_to_tokens", False),
        ("ticket_personal_data_to_tokens", False),
    ]
    con.close()
