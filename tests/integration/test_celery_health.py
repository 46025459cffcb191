"""`/health/celery` as an operator meets it: the workers seen by heartbeat and each queue's
consumers; 503 naming the queue once its workers are gone (killed outright, not asked to
leave), 200 again when they are back, and the CLI and probes read the same report."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import FAST_RECOVERY, Stack, running_stack, wait_for

pytestmark = pytest.mark.integration

ALL = ("gateway", "story", "audio", "janitor")


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("celery-health")
    with running_stack(redis_server_url, tmp, ALL, **FAST_RECOVERY) as running:
        yield running


def report(stack: Stack) -> tuple[int, dict[str, Any]]:
    response = stack.http.get("/health/celery")
    body: dict[str, Any] = response.json()
    return response.status_code, body


def test_every_queue_with_a_live_consumer_is_healthy(stack: Stack) -> None:
    code, body = report(stack)
    assert code == 200 and body["status"] == "ok", body
    assert set(body["queues"]) == {"stories", "audio", "maintenance"}
    for queue in body["queues"].values():
        assert queue["consumers"] >= 1 and queue["waiting"] >= 0 and queue["running"] >= 0
    hosts = {w["hostname"].split("@")[0] for w in body["workers"]}
    assert {"story", "audio", "janitor"} <= hosts
    for worker in body["workers"]:
        assert worker["queues"] and worker["concurrency"] >= 1 and worker["active"] >= 0
        assert 0 <= worker["heartbeat_age_seconds"] < 10


def test_a_vanished_pool_turns_it_503_and_its_return_200(stack: Stack) -> None:
    stack.services["audio"].kill(signal.SIGKILL)  # no goodbye: its heartbeat simply stops
    stack.services["audio"].process.wait()  # type: ignore[union-attr]
    _, body = wait_for(
        lambda: (r := report(stack))[0] == 503 and r, 30, "503 once the audio workers are gone"
    )
    assert body["status"] == "unhealthy" and body["queues_without_consumer"] == ["audio"]
    assert body["queues"]["audio"]["consumers"] == 0

    printed = subprocess.run(
        [sys.executable, "-m", "codestory", "status", "--workers", "--gateway", stack.base_url],
        capture_output=True,
        text=True,
        env=stack.env,
        check=False,
        timeout=60,
    )
    assert printed.returncode == 1, printed.stdout + printed.stderr
    assert "audio" in printed.stdout and "no consumer" in printed.stdout

    stack.services["audio"].start()
    wait_for(lambda: report(stack)[0] == 200, 60, "200 once an audio worker is back")
