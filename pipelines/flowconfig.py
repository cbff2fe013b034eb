"""A secret-free description of the Dagster flow: resource settings, schedules, sensors, Config defaults.

Written into configuration snapshots so a rollback shows *what* changed, not only which file. Secrets never
leave the process: an EnvVar-backed field is recorded as `{"env": NAME}` (the name only), a field whose
name looks secret is recorded as "<redacted>", and credentials inside URLs are masked.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dagster as dg

SECRET_NAME = re.compile(r"secret|password|passwd|token|salt|session|(^|_)key$|api_key|app_key|credential", re.I)
REDACTED = "<redacted>"
# Config classes outside these packages (Dagster's own, tests) are not part of the flow's definition.
PROJECT_PACKAGES = ("assets", "pipelines", "forecasts", "quality", "orderhub", "resources", "cli")


def _mask_url(value: str) -> str:
    """'mysql+pymysql://user:pw@host/erp' -> 'mysql+pymysql://user:<redacted>@host/erp'."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if not parts.scheme or parts.password is None:
        return value
    netloc = parts.netloc.replace(f":{parts.password}@", f":{REDACTED}@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _mask_url(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return repr(value)


def describe_field(name: str, value: Any) -> Any:
    """One resource field as it may be stored: env var name, redaction marker, or the (masked) value."""
    if isinstance(value, dict) and set(value) == {"env"}:
        return {"env": value["env"]}
    if SECRET_NAME.search(name):
        return REDACTED
    if isinstance(value, dict):  # nested resource / config: same rules one level down
        return {k: describe_field(k, v) for k, v in value.items()}
    return _plain(value)


def describe_resources(defs: dg.Definitions) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, resource in sorted((defs.resources or {}).items()):
        entry: dict[str, Any] = {"type": f"{type(resource).__module__}.{type(resource).__qualname__}"}
        if isinstance(resource, dg.ConfigurableResource):
            # the config dictionary keeps EnvVar fields as {"env": NAME}: the value is never read here
            config = resource._convert_to_config_dictionary()
            entry["fields"] = {k: describe_field(k, v) for k, v in sorted(config.items())}
        out[key] = entry
    return out


def describe_schedules(defs: dg.Definitions) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "cron": s.cron_schedule,
            "timezone": s.execution_timezone,
            "default_status": s.default_status.name,
            "job": s.job_name,
        }
        for s in sorted(defs.schedules or [], key=lambda s: s.name)
    ]


def describe_sensors(defs: dg.Definitions) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "default_status": s.default_status.name,
            "minimum_interval_seconds": s.minimum_interval_seconds,
            "jobs": sorted(j.name for j in s.jobs) if s.has_jobs else [],
        }
        for s in sorted(defs.sensors or [], key=lambda s: s.name)
    ]


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def describe_config_defaults() -> dict[str, dict[str, Any]]:
    """Defaults of every run Config class and every resource class of the project (thresholds, windows)."""
    out: dict[str, dict[str, Any]] = {}
    for cls in [*_subclasses(dg.Config), *_subclasses(dg.ConfigurableResource)]:
        if not cls.__module__.startswith(PROJECT_PACKAGES):
            continue
        fields = {}
        for name, info in cls.model_fields.items():
            if info.is_required():
                fields[name] = {"required": True}
                continue
            value = info.default_factory() if info.default_factory is not None else info.default
            fields[name] = REDACTED if SECRET_NAME.search(name) else _plain(value)
        out[f"{cls.__module__}.{cls.__qualname__}"] = fields
    return dict(sorted(out.items()))


def describe_flow(defs: dg.Definitions | None = None) -> dict[str, Any]:
    if defs is None:
        from pipelines.definitions import build

        defs = build()
    return {
        "resources": describe_resources(defs),
        "schedules": describe_schedules(defs),
        "sensors": describe_sensors(defs),
        "config_defaults": describe_config_defaults(),
    }
