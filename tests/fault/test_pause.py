"""Pausing a story frees its worker at the next checkpoint; resuming picks it up there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from codestory.records.keys import lease_key
from tests.support import ADMIN, FAST_RECOVERY, SAMPLE_PROJECT, fresh_stack, make_repo, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.fault]


def test_a_paused_story_holds_no_worker_and_resumes_where_it_stopped(
    redis_server_url: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack = fresh_stack(redis_server_url, tmp_path, **FAST_RECOVERY)
    stack.start("gateway", "audio", "janitor")
    stack.start("story", extra_env={"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "2"})
    records = redis.Redis.from_url(stack.env["REDIS_URL"])
    http = stack.http
    try:
        stack.wait_ready({"stories", "audio", "maintenance"})
        paused_id = stack.submit(repo)
        stack.wait_status(paused_id, {"analyzing"}, timeout=30)
        asked = http.post(f"/api/v1/stories/{paused_id}/pause")
        assert asked.status_code == 202 and asked.json()["pause"] == "requested", asked.text
        wait_for(
            lambda: http.get(f"/api/v1/stories/{paused_id}").json()["pause"] == "paused",
            30,
            "the worker to act on the pause",
        )
        assert not records.exists(lease_key(paused_id)), "it let go of the story"
        # The only story worker process is free: another story runs start to finish.
        other = stack.submit(repo, style="deep-dive")
        assert stack.wait_status(other, {"complete", "failed"}, 120)["status"] == "complete"
        time.sleep(3)  # past the stuck threshold: a paused story is not stuck
        held = http.get(f"/api/v1/stories/{paused_id}").json()
        assert held["status"] in {"analyzing", "generating"} and held["requeues"] == 0, held
        assert held["pause"] == "paused"

        resumed = http.post(f"/api/v1/stories/{paused_id}/resume")
        assert resumed.status_code == 202 and resumed.json()["pause"] is None
        story = stack.wait_status(paused_id, {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete", story
        assert http.post(f"/api/v1/stories/{paused_id}/resume").status_code == 409
        assert http.post(f"/api/v1/stories/{paused_id}/pause").status_code == 409
        steps = [
            e["step"]
            for e in http.get(f"/api/v1/admin/dlq/{paused_id}", headers=ADMIN).json()["events"]
        ]
        assert steps.index("pausing") < steps.index("paused") < steps.index("resumed")
    finally:
        records.close()
        stack.stop()
