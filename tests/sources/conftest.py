"""Fixtures for the source connector tests (fakes live in sources_fakes.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sources_fakes import BASE, T0, FakePlatform


@pytest.fixture()
def fake_platform():
    """Factory: fake_platform(channel, n_orders, spacing) -> (FakePlatform, api client wired to it, sleeps list)."""
    from resources.channels import DouyinApi, PddApi, TaobaoApi

    classes = {"taobao": TaobaoApi, "douyin": DouyinApi, "pdd": PddApi}

    def make(channel: str, n_orders: int = 0, spacing: timedelta = timedelta(minutes=1), page_size: int = 10):
        fake = FakePlatform(channel)
        fake.orders = [{"id": str(1000 + i), "modified": T0 + i * spacing} for i in range(n_orders)]
        sleeps: list[float] = []
        api = classes[channel](
            base_url=f"{BASE}/{channel}", app_key="k", app_secret="s", page_size=page_size, overlap_s=0
        ).with_transport(fake.session_factory, sleeps.append)
        return fake, api, sleeps

    return make
