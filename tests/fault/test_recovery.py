"""Recovery as an operator meets it: workers killed while holding messages, a message that
kills its worker every time, a worker holding a message it has not started yet."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
import redis

from codestory.core.queues import TASK_GENERATE_STORY as STORY_TASK
from tests.support import (
    ADMIN,
    FAST_RECOVERY,
    SAMPLE_PROJECT,
    Stack,
    fresh_stack,
    make_repo,
    pool_children,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.fault]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "tally", SAMPLE_PROJECT)


def broker_of(stack: Stack) -> redis.Redis:
    return redis.Redis.from_url(stack.env["CELERY_BROKER_URL"], decode_responses=True)


def story_messages_taken(broker: redis.Redis, story_id: str) -> int:
    """How many of the story's messages sit in kombu's unacked hash."""
    found = 0
    for raw in broker.hvals("unacked"):
        message, _exchange, _queue = json.loads(raw)
        if message["headers"].get("codestory_story_id") == story_id:
            found += 1
    return found


def test_a_message_a_live_worker_holds_is_not_judged_stuck(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    # One story every 8 s: the second waits for a rate-limit token inside the worker, taken
    # from the queue but not started, far longer than the two-second stuck threshold.
    stack = fresh_stack(
        redis_server_url, tmp_path, **FAST_RECOVERY, CODESTORY_STORY_RATE_LIMIT="7.5/m"
    )
    stack.start("gateway", "story", "audio", "janitor")
    broker = broker_of(stack)
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        first, second = stack.submit(repo), stack.submit(repo, style="deep-dive")
        wait_for(lambda: story_messages_taken(broker, second) == 1, 30, "the second taken")
        time.sleep(3)  # past the threshold and a sweep, still short of the next token
        held = stack.http.get(f"/api/v1/stories/{second}").json()
        assert (held["status"], held["requeues"]) == ("queued", 0), held
        for story_id in (first, second):
            story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
            assert story["status"] == "complete", story
            assert story["requeues"] == 0, story
    finally:
        broker.close()
        stack.stop()


def test_a_dead_workers_message_is_restored_without_the_visibility_timeout(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, **FAST_RECOVERY)
    stack.start("gateway", "audio", "janitor")
    stack.start("story", extra_env={"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "2"})
    broker = broker_of(stack)
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(repo)
        stack.wait_status(story_id, {"analyzing"}, timeout=30)
        assert story_messages_taken(broker, story_id) == 1
        stack.services["story"].kill()  # the whole worker: main process and pool
        # Its message stays taken in kombu's unacked hash (an hour's visibility timeout).
        # A new worker alone would not see it; the janitor must give it back.
        stack.start("story")
        story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story
        assert story["requeues"] == 1
        # The audio task acks its message after it returns, just after it marks the story
        # complete: nothing of the story may stay taken once that ack has landed.
        wait_for(lambda: story_messages_taken(broker, story_id) == 0, 15, "every message acked")
        requeued = [e for e in stack.events(story_id) if e.get("step") == "requeued"]
        assert len(requeued) == 1
        assert "taken by a worker that is gone" in str(requeued[0]["message"])
    finally:
        broker.close()
        stack.stop()


def test_a_message_that_kills_its_worker_every_time_reaches_the_dlq(
    redis_server_url: str, tmp_path: Path, repo: Path
) -> None:
    stack = fresh_stack(redis_server_url, tmp_path, **FAST_RECOVERY, CODESTORY_MAX_DELIVERIES="2")
    stack.start("gateway", "audio", "janitor")
    stack.start("story", extra_env={"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "3"})
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        story_id = stack.submit(repo)
        main = stack.services["story"].process
        assert main is not None
        records = redis.Redis.from_url(stack.env["REDIS_URL"], decode_responses=True)
        kills = 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if stack.http.get(f"/api/v1/stories/{story_id}").json()["status"] == "failed":
                break
            # Each start of the story task is counted before it does anything; kill the
            # pool child each time a new start has begun, as a crashing input would.
            starts = records.hget(f"codestory:story:{story_id}:attempts", STORY_TASK)
            # The start past the budget fails the story itself: it is not killed.
            if starts is not None and int(starts) == kills + 1 and kills < 2:
                for child in pool_children(main.pid):
                    os.kill(child, signal.SIGKILL)
                kills += 1
            time.sleep(0.1)
        records.close()
        story = stack.http.get(f"/api/v1/stories/{story_id}").json()
        assert story["status"] == "failed", story
        assert story["error_type"] == "poison_pill", story
        assert kills == 2, kills
        dlq = stack.http.get("/api/v1/admin/dlq", headers=ADMIN).json()
        assert [e["story_id"] for e in dlq["entries"]] == [story_id]
        assert main.poll() is None, "the worker itself kept running"
    finally:
        stack.stop()
