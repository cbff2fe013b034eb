"""Resource settings from the environment: simulator defaults resolved at call time, EnvVar for anything set,
and the same values inside Dagster and outside it (bench, CLI, tests)."""

from __future__ import annotations

import dagster as dg

from resources.bindings import bound, resolved
from resources.channels import DouyinApi, JdApi, TaobaoApi, enabled_channels
from resources.erp import ErpBridge


def test_defaults_point_at_the_simulator_when_a_call_is_made(monkeypatch):
    for name in (
        "ORDERHUB_SIMULATOR_URL",
        "ORDERHUB_ENABLE_JD",
        "ORDERHUB_JD_APP_KEY",
        "ORDERHUB_TAOBAO_APP_KEY",
        "ORDERHUB_TAOBAO_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    res = bound()
    assert {"taobao_api", "douyin_api", "pdd_api", "jd_api"} <= set(res)
    assert isinstance(res["taobao_api"], TaobaoApi) and isinstance(res["douyin_api"], DouyinApi)
    assert res["taobao_api"].root == "http://127.0.0.1:8765/taobao"
    assert (res["pdd_api"].app_key, res["pdd_api"].shop_id) == ("sim-pdd-id", "pdd-store")
    # the simulator's address is read when the call is made, not frozen when the definitions were built
    monkeypatch.setenv("ORDERHUB_SIMULATOR_URL", "http://sim:9000/")
    assert res["douyin_api"].root == "http://sim:9000/douyin"


def test_set_variables_are_env_vars_resolved_the_same_inside_and_outside_dagster(monkeypatch):
    monkeypatch.setenv("ORDERHUB_TAOBAO_BASE_URL", "https://eco.taobao.example")
    monkeypatch.setenv("ORDERHUB_TAOBAO_APP_SECRET", "real-secret")
    monkeypatch.setenv("ORDERHUB_JD_APP_KEY", "jd-key")
    res = bound()
    assert res["taobao_api"].app_secret == "ORDERHUB_TAOBAO_APP_SECRET"  # an EnvVar: only its name is stored
    outside = resolved("taobao_api")
    assert (outside.root, outside.app_secret) == ("https://eco.taobao.example", "real-secret")

    @dg.asset
    def probe(taobao_api: TaobaoApi, jd_api: JdApi) -> None:
        assert taobao_api.app_secret == "real-secret" and jd_api.app_key == "jd-key"
        assert taobao_api.root == outside.root

    assert dg.materialize([probe], resources=res).success


def test_jd_is_always_bound_and_pulled_only_when_enabled(monkeypatch):
    for name in ("ORDERHUB_ENABLE_JD", "ORDERHUB_JD_APP_KEY", "ORDERHUB_JD_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert enabled_channels() == ["taobao", "douyin", "pdd"]
    monkeypatch.setenv("ORDERHUB_ENABLE_JD", "1")
    assert enabled_channels() == ["taobao", "douyin", "pdd", "jd"]
    assert resolved("jd_api").app_key == "sim-jd-key"


def test_erp_url_from_the_environment(monkeypatch, orderhub_home):
    monkeypatch.delenv("ORDERHUB_ERP_URL", raising=False)
    assert resolved("erp").resolved_url == f"sqlite:///{orderhub_home.erp_db}"
    monkeypatch.setenv("ORDERHUB_ERP_URL", "sqlite:////tmp/elsewhere.sqlite")

    @dg.asset
    def probe(erp: ErpBridge) -> None:
        assert erp.resolved_url == "sqlite:////tmp/elsewhere.sqlite"

    assert dg.materialize([probe], resources={"erp": bound()["erp"]}).success
