"""Failed stories an operator can act on: inspect, retry (API and CLI), purge."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.support import (
    ADMIN,
    FAST_RECOVERY,
    SAMPLE_PROJECT,
    Stack,
    fresh_stack,
    make_repo,
    wait_for,
)

pytestmark = [pytest.mark.integration, pytest.mark.fault]


def fail_in_synthesis(stack: Stack, broker: redis.Redis, *story_ids: str) -> None:
    """Lose the stories' audio messages; with no requeue budget the janitor fails them."""
    for story_id in story_ids:  # all waiting for audio before their messages go
        stack.wait_status(story_id, {"synthesizing"}, timeout=60)
    broker.delete("audio")
    for story_id in story_ids:
        story = stack.wait_status(story_id, {"failed"}, timeout=30)
        assert story["error_type"] == "stuck", story


def cli(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codestory", "dlq", *args],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_failed_stories_are_retried_where_they_stopped_keeping_id_and_history(
    redis_server_url: str, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    stack = fresh_stack(
        redis_server_url, tmp_path, **{**FAST_RECOVERY, "CODESTORY_MAX_REQUEUES": "0"}
    )
    stack.start("gateway", "story", "janitor")  # no audio worker yet
    broker = redis.Redis.from_url(stack.env["CELERY_BROKER_URL"])
    http = stack.http
    try:
        stack.wait_ready({"stories", "maintenance"})
        first, second = stack.submit(repo), stack.submit(repo, style="deep-dive")
        fail_in_synthesis(stack, broker, first, second)

        listed = http.get("/api/v1/admin/dlq", headers=ADMIN, params={"error_type": "stuck"})
        assert {e["story_id"] for e in listed.json()["entries"]} == {first, second}
        shown = http.get(f"/api/v1/admin/dlq/{first}", headers=ADMIN).json()
        assert shown["story"]["status"] == "failed"
        assert [e["error_type"] for e in shown["entries"]] == ["stuck"]
        assert any(e["step"] == "failed" for e in shown["events"])
        assert "stuck" in cli(stack, "show", first).stdout
        assert http.post(f"/api/v1/admin/dlq/{first}/retry").status_code == 401

        stack.start("audio")
        stack.wait_ready({"audio"})
        one = cli(stack, "retry", first)
        assert one.returncode == 0, one.stderr
        assert "resuming at synthesizing" in one.stdout
        everyone = http.post("/api/v1/admin/dlq/retry", headers=ADMIN).json()
        assert everyone == {"retried": [second], "skipped": {}}

        for story_id in (first, second):
            story = stack.wait_status(story_id, {"complete", "failed"}, timeout=90)
            assert story["status"] == "complete", story
            assert story["id"] == story_id and story["retries"] == 1
            assert [f["error_type"] for f in story["earlier_failures"]] == ["stuck"]
            steps = [e["step"] for e in shown_events(stack, story_id)]
            # The history stays; the retry resumed at speaking, not at the clone.
            retried_at = steps.index("retried")
            assert "failed" in steps[:retried_at]
            assert "fetch" not in steps[retried_at:]
        assert http.get("/api/v1/admin/dlq", headers=ADMIN).json()["size"] == 0

        again = http.post(f"/api/v1/admin/stories/{first}/retry", headers=ADMIN)
        assert again.status_code == 409, again.text
        assert cli(stack, "retry", first).returncode == 1
    finally:
        broker.close()
        stack.stop()


def shown_events(stack: Stack, story_id: str) -> list[dict[str, object]]:
    events: list[dict[str, object]] = stack.http.get(
        f"/api/v1/admin/dlq/{story_id}", headers=ADMIN
    ).json()["events"]
    return events


def test_purge_drops_entries_and_needs_a_target(redis_server_url: str, tmp_path: Path) -> None:
    from codestory.records.store import StoryStore, make_client

    stack = fresh_stack(redis_server_url, tmp_path)
    store = StoryStore(make_client(stack.env["REDIS_URL"]))
    for story_id in ("a", "b", "a"):
        store.dead_letter({"story_id": story_id, "error_type": "internal", "reason": "x"})
    stack.start("gateway")
    http = stack.http
    try:
        wait_for(lambda: http.get("/readyz").status_code == 200, 30, "gateway ready")
        assert http.delete("/api/v1/admin/dlq", headers=ADMIN).status_code == 400
        one = http.delete("/api/v1/admin/dlq", headers=ADMIN, params={"story_id": "a"})
        assert one.json() == {"removed": 2}
        assert [e["story_id"] for e in store.dead_letters()] == ["b"]
        assert cli(stack, "purge", "--all").stdout.strip() == "removed 1 entr(ies)"
        assert store.dlq_size() == 0
    finally:
        stack.stop()
