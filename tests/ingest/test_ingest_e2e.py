"""End to end against the real simulator (HTTP, signing, paging, faults): nothing lost, nothing doubled.

A 2-day world with every fault on: 5xx, 429 with Retry-After, responses slower than the client timeout,
malformed and duplicate records, orders changing while pages are read. The hub must equal the simulator's
ground truth, minus exactly the records it quarantined, and every batch's counts must add up.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from ingest_kit import rebuild

from orderhub.ingest.pull import PullReport, pull_api, pull_erp
from resources.erp import ErpBridge

NOW = datetime(2026, 11, 25, tzinfo=UTC)
FAULTS = {
    "error_rate": 0.05,
    "rate_limit_rate": 0.03,
    "retry_after": 0.01,
    "slow_rate": 0.01,
    "slow_seconds": 1.2,
    "malformed_rate": 0.02,
    "duplicate_rate": 0.1,
    "mutate_while_paging": True,
    "schema_drift": True,
}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    import simulator

    s = simulator.start(
        seed=5, days=2, now=NOW.isoformat(), port=0, erp_db=tmp_path_factory.mktemp("erp") / "erp.sqlite"
    )
    yield s
    s.stop()


def _apis(sim_url: str, monkeypatch) -> dict:
    monkeypatch.setenv("ORDERHUB_SIMULATOR_URL", sim_url)
    from resources.channels import channel_resources, enabled_channels

    # short client timeout so "slow" faults time out quickly; retry waits capped at 50 ms (the policy is tested
    # upstream), which still outlasts the simulator's TOP ban of retry_after = 10 ms
    return {
        k: api.model_copy(update={"timeout_s": 1.0}).with_transport(sleep=lambda s: time.sleep(min(s, 0.05)))
        for k, api in channel_resources().items()
        if k.removesuffix("_api") in enabled_channels()
    }


def _pull(con, sim, apis, report: PullReport, until: datetime) -> None:
    for key, api in apis.items():
        pull_api(
            con,
            api,
            mapping=key,
            start_default=NOW - timedelta(days=2, hours=6),
            until=until,
            max_window=type(api).max_window,
            report=report,
        )
    pull_erp(con, ErpBridge(url=f"sqlite:///{sim.erp.path}"), report=report)


def test_simulator_with_faults_nothing_lost_nothing_doubled(sim, con, monkeypatch):
    requests.post(f"{sim.url}/admin/faults", json=FAULTS, timeout=5).raise_for_status()
    apis = _apis(sim.url, monkeypatch)
    report = PullReport()
    until = NOW + timedelta(minutes=1)  # the virtual clock is fixed: include orders touched "now"
    for _ in range(2):  # a run that hit a persistent fault leaves its cursor; the next run resumes
        _pull(con, sim, apis, report, until)
    faulty_errors = list(report.errors)
    off = requests.post(f"{sim.url}/admin/faults", json=dict.fromkeys(FAULTS, 0), timeout=5)
    off.raise_for_status()
    clean = PullReport()
    _pull(con, sim, apis, clean, until)  # a clean run catches up whatever a persistent fault held back
    assert clean.errors == [], (faulty_errors, clean.errors, off.json())
    rebuild(con)

    stats = requests.get(f"{sim.url}/admin/stats", timeout=5).json()
    assert report.totals()["deduplicated"] > 0 and report.totals()["quarantined"] > 0
    for received, stored, dedup, quarantined in con.execute(
        "select received, stored, deduplicated, quarantined from ops.ingest_batches"
    ).fetchall():
        assert received == stored + dedup + quarantined
    assert con.execute("select count(*) from ops.api_calls where not ok").fetchone()[0] > 0, stats

    for channel, shop in (
        ("taobao", "tb-flagship"),
        ("douyin", "dy-official"),
        ("pdd", "pdd-store"),
        ("erp", "erp-wholesale"),
    ):
        truth = requests.get(
            f"{sim.url}/admin/truth/orders", params={"channel": channel, "shop": shop}, timeout=30
        ).json()["orders"]
        expected = {t["channel_order_id"]: t for t in truth}
        hub = dict(
            con.execute(
                "select channel_order_id, status from hub.orders where channel = ? and shop_id = ?", [channel, shop]
            ).fetchall()
        )
        assert len(expected) > 50
        assert set(hub) <= set(expected), f"{channel}: orders in the hub that the platform never had"
        quarantined = {
            r[0]
            for r in con.execute(
                "select distinct channel_order_id from raw.channel_orders where channel = ? and shop_id = ? and "
                "quarantine_reason is not null",
                [channel, shop],
            ).fetchall()
        }
        unreadable_ids = con.execute(
            "select count(*) from raw.channel_orders where channel = ? and shop_id = ? and "
            "quarantine_reason is not null and channel_order_id is null",
            [channel, shop],
        ).fetchone()[0]
        missing = set(expected) - set(hub)
        assert missing - quarantined == set() or len(missing - quarantined) <= unreadable_ids, (
            f"{channel}: lost {sorted(missing - quarantined)[:5]}"
        )
        wrong = {k: (v, expected[k]["status"]) for k, v in hub.items() if v != expected[k]["status"]}
        assert not wrong, f"{channel}: status differs from the platform: {list(wrong.items())[:5]}"
        paid = dict(
            con.execute(
                "select channel_order_id, paid_fen from hub.orders where channel = ? and shop_id = ?", [channel, shop]
            ).fetchall()
        )
        assert all(paid[k] == expected[k]["pay_fen"] for k in hub), f"{channel}: paid amounts differ"
