"""The production deployment files load: YAML parses, dagster.yaml passes Dagster's instance schema,
workspace and compose agree, and every file they reference exists. (Docker itself is not run here.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def _yaml(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def _instance_config(tmp_path: Path, text: str) -> dict:
    (tmp_path / "dagster.yaml").write_text(text, encoding="utf-8")
    config, custom_class = dagster_instance_config(str(tmp_path))
    assert custom_class is None
    return config


def test_dagster_yaml_validates_against_the_instance_schema(tmp_path):
    config = _instance_config(tmp_path, (DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))
    pg = config["storage"]["postgres"]["postgres_db"]
    for key in ("username", "password", "hostname", "db_name"):
        assert set(pg[key]) == {"env"}, f"{key} must come from an env var, never a literal"
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["pools"] == {"granularity": "run", "default_limit": 1}


def test_the_validator_is_not_a_rubber_stamp(tmp_path):
    with pytest.raises(DagsterInvalidConfigError):
        _instance_config(tmp_path, "concurrency:\n  pools:\n    granularity: sometimes\n")
    with pytest.raises(DagsterInvalidConfigError):
        _instance_config(tmp_path, "run_coordinator:\n  module: x\n  klass: Y\n")


def test_warehouse_pool_is_the_one_the_assets_use():
    from resources.warehouse import WAREHOUSE_POOL

    compose = _yaml("docker-compose.yaml")
    # one run at a time on a DuckDB file unless .env raises it for a lake
    assert compose["services"]["init"]["command"][-2:] == [WAREHOUSE_POOL, "${ORDERHUB_WAREHOUSE_POOL_LIMIT:-1}"]
    assert WAREHOUSE_POOL in (DEPLOY / "dagster.yaml").read_text(encoding="utf-8")


def test_workspace_points_at_the_user_code_service():
    compose = _yaml("docker-compose.yaml")
    (location,) = _yaml("workspace.yaml")["load_from"]
    grpc = location["grpc_server"]
    user_code = compose["services"][grpc["host"]]
    command = user_code["command"]
    assert command[:2] == ["python", "deploy/code_server.py"]  # `dagster api grpc`, same arguments
    assert (REPO / command[1]).is_file()
    assert f"COPY {command[1]} " in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert command[command.index("-p") + 1] == str(grpc["port"])
    module = command[command.index("-m") + 1]
    assert (REPO / Path(*module.split("."))).with_suffix(".py").exists()


def test_compose_services_and_dockerfile_reference_existing_files():
    compose = _yaml("docker-compose.yaml")
    services = compose["services"]
    assert {"postgres", "orderhub_user_code", "webserver", "daemon"} <= set(services)
    for name, svc in services.items():
        if "build" in svc:
            context = (DEPLOY / svc["build"]["context"]).resolve()
            assert (context / svc["build"]["dockerfile"]).is_file(), name
        for dep in svc.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            assert source in compose["volumes"] or (DEPLOY / source).exists(), f"{name}: {volume}"
        assert not any("PASSWORD" in k and "${" not in str(v) for k, v in dict(svc.get("environment", {})).items()), (
            f"{name}: literal password"
        )
    # only the user-code container (where runs execute) mounts the warehouse: one DuckDB writer process
    mounts = {n for n, s in services.items() if any(v.startswith("orderhub_data:") for v in s.get("volumes", []))}
    assert mounts == {"orderhub_user_code"}
    workspace_path = services["webserver"]["command"][-1]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for src in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for part in src.split():
            assert (REPO / part).exists(), f"Dockerfile copies missing {part}"
    assert Path(workspace_path).name in dockerfile and "dagster-postgres" in dockerfile


def test_every_deploy_yaml_parses():
    for path in DEPLOY.glob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path
