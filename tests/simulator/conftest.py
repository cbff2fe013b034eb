"""One in-process simulator per test module (port 0, fixed seed and virtual now, ERP in a temp dir)."""

from __future__ import annotations

import pytest

NOW = "2026-11-25T00:00:00Z"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    import simulator

    s = simulator.start(seed=11, days=30, now=NOW, erp_db=tmp_path_factory.mktemp("erp") / "erp.sqlite", port=0)
    yield s
    s.stop()
