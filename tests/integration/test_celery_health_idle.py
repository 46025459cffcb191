"""A queue whose workers scale to zero (KEDA minReplicaCount 0) has no consumer while idle:
`/health/celery` counts that as healthy until work waits there unserved. Its own module: a
stack with audio workers running must not share its Redis databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import SAMPLE_PROJECT, Stack, make_repo, running_stack, wait_for

pytestmark = pytest.mark.integration


def report(stack: Stack) -> tuple[int, dict[str, Any]]:
    response = stack.http.get("/health/celery")
    body: dict[str, Any] = response.json()
    return response.status_code, body


def test_a_queue_allowed_to_scale_to_zero_is_only_missed_when_work_waits(
    redis_server_url: str, tmp_path: Path
) -> None:
    with running_stack(
        redis_server_url,
        tmp_path,
        ("gateway", "story", "janitor"),
        CODESTORY_SCALE_TO_ZERO_QUEUES='["audio"]',
    ) as stack:
        code, body = report(stack)
        assert code == 200 and body["queues"]["audio"]["consumers"] == 0, body
        repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
        story_id = stack.submit(repo)  # reaches the audio queue and waits there
        wait_for(lambda: report(stack)[0] == 503, 60, "503 once audio work waits unserved")
        _, body = report(stack)
        assert body["queues_without_consumer"] == ["audio"], (story_id, body)
