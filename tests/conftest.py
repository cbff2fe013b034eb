"""Each test gets its own ORDERHUB_HOME so nothing touches the developer's warehouse."""

from __future__ import annotations

import pytest


@pytest.fixture()
def orderhub_home(tmp_path, monkeypatch):
    home = tmp_path / "orderhub"
    monkeypatch.setenv("ORDERHUB_HOME", str(home))
    monkeypatch.setenv("ORDERHUB_PII_SALT", "test-salt")
    from orderhub import settings

    return settings.paths().ensure()


@pytest.fixture(autouse=True)
def _token_store(tmp_path, monkeypatch):
    """Channel clients read the shops' token store (and write it on a refresh or a token error): never the
    developer's."""
    monkeypatch.setenv("ORDERHUB_SECRETS_FILE", str(tmp_path / "secrets" / "shops.json"))
