"""Issue 15: the Dockerfile, compose.yaml and the systemd unit, validated as far as this machine can
(the image is built when a Docker daemon answers; otherwise the files are checked statically)."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest

from bot.cli import build_parser
from cli_helpers import ROOT

yaml = pytest.importorskip("yaml")


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = text.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def _parses_as_maillage(command: list[str]) -> None:
    args = build_parser().parse_args(command)  # exits (fails the test) on an unknown command or option
    assert getattr(args, "func", None) is not None, command


def test_the_dockerfile_is_small_unprivileged_and_checks_healthz():
    steps = _instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    froms = [value for op, value in steps if op == "FROM"]
    assert len(froms) == 2 and all(value.startswith("python:3.11-slim") for value in froms)  # build stage + slim
    final = steps[max(i for i, (op, _) in enumerate(steps) if op == "FROM"):]
    users = [value for op, value in final if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(op == "HEALTHCHECK" and "/healthz" in value for op, value in final)
    assert ("ENTRYPOINT", '["maillage"]') in final
    for op, value in steps:
        if op == "COPY" and "--from" not in value:
            assert value.split()[0] != ".", "COPY . would send the virtualenv and node_modules"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "node_modules", ".env", "config.toml"} <= set(ignored)


def test_compose_runs_postgres_the_bot_and_the_web_face_with_health_checks():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "bot", "web"}
    assert services["db"]["image"].startswith("postgres:") and "pg_isready" in str(services["db"]["healthcheck"])
    assert "db-data" in compose["volumes"]
    for name in ("bot", "web"):
        service = services[name]
        assert service["env_file"] == ".env" and service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["MAILLAGE_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert any(volume.endswith(":/app/config.toml:ro") for volume in service["volumes"])
        assert "test" in service["healthcheck"]
        _parses_as_maillage(service["command"])
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    _parses_as_maillage(services["bot"]["healthcheck"]["test"][2:])
    example = (ROOT / "deploy" / "maillage.env.example").read_text(encoding="utf-8")
    assert {"TELEGRAM_TOKEN=", "DISCORD_TOKEN=", "POSTGRES_PASSWORD="} <= {line.split("=")[0] + "=" for line in
                                                                       example.splitlines() if "=" in line}


def test_the_systemd_unit_migrates_then_runs_unprivileged():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "maillage.service", encoding="utf-8")
    service = unit["Service"]
    assert service["User"] == "maillage" and service["EnvironmentFile"].endswith("maillage.env")
    _parses_as_maillage(service["ExecStartPre"].split()[1:])
    _parses_as_maillage(service["ExecStart"].split()[1:])
    assert service["Restart"] == "on-failure" and unit["Install"]["WantedBy"] == "multi-user.target"
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "verify", str(ROOT / "deploy" / "maillage.service")],
                                capture_output=True, text=True, timeout=120)
        # The only complaint allowed here: the program is not installed in /opt/maillage on this machine.
        complaints = [line for line in (result.stdout + result.stderr).splitlines()
                      if line.strip() and "/opt/maillage/.venv/bin/maillage is not executable" not in line]
        assert complaints == []


def _docker_daemon() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=60).returncode == 0


@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon on this machine: the files are checked statically")
def test_the_image_builds_and_answers_help():
    subprocess.run(["docker", "build", "-t", "maillage:test", str(ROOT)], check=True, timeout=1800)
    result = subprocess.run(["docker", "run", "--rm", "maillage:test", "--help"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and "usage: maillage" in result.stdout
    user = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", "maillage:test", "-u"],
                          capture_output=True, text=True, timeout=300)
    assert user.stdout.strip() == "10001"
