"""Each story's own log, through the real services: the gateway's and both workers' lines in
order, paged and followed, copied to the artifact store when the story ends, an error's type
for a failing story, and no planted credential anywhere in it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import ADMIN, SAMPLE_PROJECT, Stack, make_repo, running_stack, sse_frames

pytestmark = pytest.mark.integration

IN_ENV = "planted-env-secret-5be3c1"
IN_USERINFO = "planted-userinfo-token-0c7d"
IN_QUERY = "planted-query-token-e21a"


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("logs")
    with running_stack(
        redis_server_url,
        tmp,
        ("gateway", "story", "audio"),
        CODESTORY_LOG_FORMAT="json",
        CODESTORY_LLM_API_KEY=IN_ENV,
    ) as running:
        yield running


def submit(stack: Stack, body: dict[str, Any]) -> str:
    response = stack.http.post("/api/v1/stories", json=body, headers=ADMIN)
    assert response.status_code == 202, response.text
    story_id: str = response.json()["id"]
    return story_id


def all_pages(stack: Stack, story_id: str, limit: int) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
        page = stack.http.get(f"/api/v1/stories/{story_id}/logs", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        lines += body["lines"]
        if body["next_after"] is None:
            return lines
        after = body["next_after"]


def follow(stack: Stack, story_id: str, last_event_id: str | None = None) -> list[dict[str, Any]]:
    path = f"/api/v1/stories/{story_id}/logs?follow=true"
    return sse_frames(stack.base_url, path, last_event_id)


def test_a_story_log_holds_every_service_in_order(stack: Stack, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    # A focus area is free text a user types; this one carries credentials.
    planted = [f"https://u:{IN_USERINFO}@example.org/x?access_token={IN_QUERY}", IN_ENV]
    story_id = submit(stack, {"repository_url": str(repo), "focus_areas": planted})
    # Followed live from the start: the stream ends by itself once the story has ended.
    followed = follow(stack, story_id)
    assert followed[-1]["event"] == "end" and followed[-1]["status"] == "complete"
    streamed = [f for f in followed if f["event"] == "log"]
    assert stack.http.get(f"/api/v1/stories/{story_id}").json()["status"] == "complete"

    lines = all_pages(stack, story_id, limit=7)  # several pages
    assert [line["id"] for line in lines] == [f["id"] for f in streamed]
    assert len({line["id"] for line in lines}) == len(lines), "pages neither repeat nor skip"
    services = [line["service"] for line in lines]
    assert services[0] == "gateway" and "accepted" in lines[0]["message"]
    first_audio = services.index("audio-worker")
    assert "story-worker" in services[:first_audio], "the story worker's lines come first"
    assert "story-worker" not in services[first_audio:], "then the audio worker's"
    assert {"fetch", "analyse", "narrate", "speak", "encode"} <= {line["step"] for line in lines}
    assert all(line["time"] and line["level"] for line in lines)

    # Resuming a followed stream after a line gives exactly the lines after it.
    resumed = follow(stack, story_id, last_event_id=lines[3]["id"])
    assert [f["id"] for f in resumed if f["event"] == "log"] == [x["id"] for x in lines[4:]]

    # The copy kept beside the audio when the story ended.
    archived = stack.artifact_dir / "stories" / story_id / "log.jsonl"
    kept = [json.loads(row) for row in archived.read_text().splitlines()]
    assert [k["id"] for k in kept] == [line["id"] for line in lines]

    text = json.dumps(lines) + archived.read_text()
    assert "telling" in text and "access_token=***" in text
    for secret in (IN_ENV, IN_USERINFO, IN_QUERY):
        assert secret not in text

    # The CLI prints the same lines, one per line.
    printed = subprocess.run(
        [sys.executable, "-m", "codestory", "logs", story_id, "--gateway", stack.base_url],
        capture_output=True,
        text=True,
        env={**stack.env},
        check=False,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    assert len(printed.stdout.splitlines()) == len(lines)
    assert "audio-worker" in printed.stdout and IN_ENV not in printed.stdout


def test_a_failing_story_log_names_the_error(stack: Stack, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "docs-only", {"README.md": "# Notes\n"})
    story_id = submit(stack, {"repository_url": str(repo)})
    frames = follow(stack, story_id)
    assert frames[-1] == {"event": "end", "id": None, "status": "failed"}
    errors = [f for f in frames if f["event"] == "log" and f.get("error_type")]
    assert any(f["error_type"] == "no_source" and f["level"] == "warning" for f in errors)
    assert any("no source code was found" in f["message"] for f in errors)


def test_log_paging_is_validated_and_private(stack: Stack, tmp_path: Path) -> None:
    bad = stack.http.get("/api/v1/stories/whatever/logs", params={"after": "x"})
    assert bad.status_code in {400, 404}
    missing = stack.http.get("/api/v1/stories/no-such-story/logs")
    assert missing.status_code == 404
    repo = make_repo(tmp_path / "tally", SAMPLE_PROJECT)
    story_id = submit(stack, {"repository_url": str(repo)})
    wrong = stack.http.get(f"/api/v1/stories/{story_id}/logs", params={"after": "1;DROP"})
    assert wrong.status_code == 400 and "after" in wrong.json()["detail"]
    too_many = stack.http.get(f"/api/v1/stories/{story_id}/logs", params={"limit": 5000})
    assert too_many.status_code == 422
