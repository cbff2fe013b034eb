"""A writer's connection to this test's warehouse (the DuckDB file unless the test takes `backend`)."""

from __future__ import annotations

import pytest


@pytest.fixture()
def con(orderhub_home):
    from orderhub import warehouse

    c = warehouse.connect()
    yield c
    c.close()
