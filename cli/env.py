"""The environment every `orderhub` command runs in, the same in a fresh shell as under `make`.

- ORDERHUB_HOME: default ./.orderhub (orderhub.settings).
- DAGSTER_HOME: default $ORDERHUB_HOME/dagster_home, with OrderHub's instance config (cli/instance.py), so a
  command's runs land in the instance the UI shows, never in a throwaway one.
- `$ORDERHUB_HOME/orderhub.env`: settings this home was created with (`orderhub demo` records its demo
  salt there), read for variables the shell does not set. A real deployment sets ORDERHUB_PII_SALT in the
  environment; a command that needs it and finds neither stops with the reason instead of a stack trace.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cli.instance import ensure_instance_config
from orderhub import settings

HOME_ENV = "orderhub.env"
DEMO_SALT = "demo-salt-change-me"


def home_env_file() -> Path:
    return settings.paths().home / HOME_ENV


def read_home_env() -> dict[str, str]:
    path = home_env_file()
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip()
    return out


def record_home_setting(name: str, value: str, why: str) -> None:
    """Remember a setting this home depends on (e.g. the demo's salt), unless it is already recorded."""
    current = read_home_env()
    if name in current:
        return
    path = home_env_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"# {why}\n{name}={value}\n")


def prepare(*, needs_salt: bool = False) -> settings.Paths:
    """Set up ORDERHUB_HOME / DAGSTER_HOME (and the salt when `needs_salt`) for this process."""
    paths = settings.paths().ensure()
    for name, value in read_home_env().items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DAGSTER_HOME", str(paths.dagster_home))
    ensure_instance_config(Path(os.environ["DAGSTER_HOME"]))
    if needs_salt and not os.environ.get("ORDERHUB_PII_SALT"):
        raise click.ClickException(
            "ORDERHUB_PII_SALT is not set: it salts buyer keys and must stay the same for a warehouse. Export it "
            f"(the value this warehouse was built with), or put ORDERHUB_PII_SALT=... in {home_env_file()}."
        )
    return paths


def use_demo_salt() -> None:
    """A demo home's salt: the demo's when none is set. Whenever the demo salt is the one in use (also when
    `make` exported it), it is recorded in the home, so a later command in a fresh shell, without make, finds the
    salt this warehouse was built with. A real salt set in the environment is never written to disk."""
    if not os.environ.get("ORDERHUB_PII_SALT"):
        os.environ["ORDERHUB_PII_SALT"] = DEMO_SALT
    if os.environ["ORDERHUB_PII_SALT"] == DEMO_SALT:
        record_home_setting(
            "ORDERHUB_PII_SALT", DEMO_SALT, "the demo's buyer-key salt: every command on this home reads it"
        )
