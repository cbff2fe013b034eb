"""Resource wiring from the environment: simulator defaults, EnvVar for anything set, optional JD."""

from __future__ import annotations

import dagster as dg

from resources.channels import DouyinApi, JdApi, TaobaoApi, channel_resources
from resources.erp import ErpBridge, erp_resource


def test_defaults_point_at_the_simulator(monkeypatch):
    for name in ("ORDERHUB_SIMULATOR_URL", "ORDERHUB_ENABLE_JD", "ORDERHUB_JD_APP_KEY", "ORDERHUB_TAOBAO_APP_KEY"):
        monkeypatch.delenv(name, raising=False)
    res = channel_resources()
    assert sorted(res) == ["douyin_api", "pdd_api", "taobao_api"]
    assert isinstance(res["taobao_api"], TaobaoApi) and isinstance(res["douyin_api"], DouyinApi)
    assert res["taobao_api"].base_url == "http://127.0.0.1:8765/taobao"
    assert (res["pdd_api"].app_key, res["pdd_api"].shop_id) == ("sim-pdd-id", "pdd-store")


def test_set_variables_become_env_vars_resolved_at_run_time(monkeypatch):
    monkeypatch.setenv("ORDERHUB_SIMULATOR_URL", "http://sim:9000/")
    monkeypatch.setenv("ORDERHUB_TAOBAO_APP_SECRET", "real-secret")
    monkeypatch.setenv("ORDERHUB_JD_APP_KEY", "jd-key")
    res = channel_resources()
    assert isinstance(res["jd_api"], JdApi) and res["douyin_api"].base_url == "http://sim:9000/douyin"

    @dg.asset
    def probe(taobao_api: TaobaoApi, jd_api: JdApi) -> None:
        assert taobao_api.app_secret == "real-secret" and jd_api.app_key == "jd-key"
        assert jd_api.base_url == "http://sim:9000/jd"

    assert dg.materialize([probe], resources=res).success


def test_jd_can_be_switched_on_for_the_simulator(monkeypatch):
    monkeypatch.setenv("ORDERHUB_ENABLE_JD", "1")
    assert channel_resources()["jd_api"].app_key == "sim-jd-key"
    assert "jd_api" not in channel_resources(include_jd=False)


def test_erp_url_from_the_environment(monkeypatch, orderhub_home):
    assert erp_resource().url == f"sqlite:///{orderhub_home.erp_db}"
    monkeypatch.setenv("ORDERHUB_ERP_URL", "sqlite:////tmp/elsewhere.sqlite")

    @dg.asset
    def probe(erp: ErpBridge) -> None:
        assert erp.url == "sqlite:////tmp/elsewhere.sqlite"

    assert dg.materialize([probe], resources={"erp": erp_resource()}).success
