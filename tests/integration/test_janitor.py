"""The janitor's schedule: retention, and one scheduler however many janitors run."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import redis

from tests.support import (
    SAMPLE_PROJECT,
    fresh_stack,
    make_repo,
    wait_for,
)

pytestmark = pytest.mark.integration


def test_finished_stories_expire_after_the_retention_period(
    redis_server_url: str, tmp_path: Path
) -> None:
    stack = fresh_stack(
        redis_server_url,
        tmp_path,
        CODESTORY_RETENTION_DAYS=str(4 / 86400),  # four seconds
        CODESTORY_JANITOR_EXPIRE_SECONDS="1",
    )
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack.start("gateway", "story", "audio")
    try:
        stack.wait_ready({"stories", "audio"})
        story_id = stack.submit(repo)
        stack.wait_status(story_id, {"complete"})
        artifacts = stack.artifact_dir / "stories" / story_id
        assert (artifacts / "story.mp3").exists()
        stack.start("janitor")
        wait_for(
            lambda: stack.http.get(f"/api/v1/stories/{story_id}").status_code == 404,
            60,
            "the story to expire",
        )
        assert not artifacts.exists()
        assert stack.http.get("/api/v1/stories").json()["total"] == 0
    finally:
        stack.stop()


def test_two_janitors_schedule_each_sweep_once(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_JANITOR_SWEEP_SECONDS="1")
    stack.start("gateway")
    stack.start("janitor", extra_env={"CODESTORY_HEARTBEAT_DIR": str(tmp_path / "hb-a")})
    first = stack.services.pop("janitor")
    stack.start("janitor", extra_env={"CODESTORY_HEARTBEAT_DIR": str(tmp_path / "hb-b")})
    stack.services["janitor-a"] = first
    client = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
    try:
        stack.wait_ready({"maintenance"})

        def sweeps() -> int:
            return int(client.hget("codestory:janitor-runs", "codestory.janitor.sweep_stuck") or 0)

        wait_for(lambda: sweeps() >= 1, 60, "a first sweep")
        start_count, started = sweeps(), time.monotonic()
        time.sleep(8)
        ran = sweeps() - start_count
        window = time.monotonic() - started
        # One scheduler gives about one sweep a second; two would give about two.
        assert 1 <= ran <= window * 1.5 + 1, f"{ran} sweeps in {window:.1f}s"
        broker = redis.Redis.from_url(stack.env["CELERY_BROKER_URL"])
        assert broker.exists("codestory:redbeat:lock"), "RedBeat's lock decides who schedules"
        broker.close()
    finally:
        client.close()
        stack.stop()


def test_a_janitor_whose_scheduler_died_does_not_stay_up(
    redis_server_url: str, tmp_path: Path
) -> None:
    """Beat runs in a child of the janitor. If it dies (RedBeat does on some broker restarts)
    the worker would stay healthy with nothing scheduling sweeps; instead it shuts down, so
    its supervisor starts a fresh one."""
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_HEARTBEAT_INTERVAL_SECONDS="1")
    stack.start("gateway", "janitor")
    try:
        stack.wait_ready({"maintenance"})
        janitor = stack.services["janitor"].process
        assert janitor is not None
        children = Path(f"/proc/{janitor.pid}/task/{janitor.pid}/children").read_text().split()
        assert children, "the janitor runs its pool and its scheduler as children"
        for child in children:  # the pool replaces its worker; nothing replaces the scheduler
            os.kill(int(child), signal.SIGKILL)
        wait_for(lambda: janitor.poll() is not None, 30, "the janitor to shut down")
        assert "beat scheduler has died" in stack.services["janitor"].log_tail(200)
    finally:
        stack.stop()


def test_health_reports_sweeps_that_stopped(redis_server_url: str, tmp_path: Path) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, CODESTORY_JANITOR_SWEEP_SECONDS="10")
    stack.start("gateway")
    client = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
    try:
        wait_for(lambda: stack.http.get("/healthz").status_code == 200, 30, "the gateway")
        runs = "codestory:janitor-runs"
        client.hset(runs, "codestory.janitor.sweep_stuck:last", time.time() - 5)
        assert "janitor_stale" not in stack.http.get("/health").json()
        client.hset(runs, "codestory.janitor.sweep_stuck:last", time.time() - 45)
        report = stack.http.get("/health").json()
        assert report["status"] == "degraded"
        assert 44 <= report["janitor_stale"]["codestory.janitor.sweep_stuck"] <= 60
    finally:
        client.close()
        stack.stop()
