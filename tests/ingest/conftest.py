"""Fixtures for the ingest/hub tests: an isolated warehouse, recorded payloads, a small simulator world."""

from __future__ import annotations

import pytest


@pytest.fixture()
def con(orderhub_home):
    from orderhub import warehouse

    c = warehouse.connect()
    yield c
    c.close()
