"""The whole pipeline as separate processes: gateway, story-worker, audio-worker, janitor,
on a real Redis-compatible server, with a Git repository made by the test."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from codestory.analysis.parallel import PARALLEL_MIN_FILES
from codestory.speech.mp3 import duration_seconds, read_chapters
from tests.support import (
    ADMIN,
    SAMPLE_PROJECT,
    Stack,
    make_repo,
    running_stack,
    scrape,
    sse_frames,
    value,
)

CACHE = "codestory_cache_lookups_total"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    services = ("gateway", "story", "audio", "janitor")
    tmp = tmp_path_factory.mktemp("stack")
    with running_stack(redis_server_url, tmp, services, CODESTORY_LOG_FORMAT="json") as running:
        yield running


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("repos") / "tally", SAMPLE_PROJECT)


def submit(stack: Stack, body: dict[str, Any], **headers: str) -> httpx.Response:
    # Local folders go with the admin token, as the CLI sends them.
    return stack.http.post("/api/v1/stories", json=body, headers={**ADMIN, **headers})


def read_sse(stack: Stack, story_id: str, last_event_id: str | None = None) -> list[dict[str, Any]]:
    """Read the SSE stream to its end; return the progress events with their ids."""
    path = f"/api/v1/stories/{story_id}/events"
    frames = sse_frames(stack.base_url, path, last_event_id)
    return [
        {k: v for k, v in f.items() if k != "event"} for f in frames if f["event"] == "progress"
    ]


def test_story_completes_end_to_end(stack: Stack, repo: Path) -> None:
    accepted = submit(stack, {"repository_url": str(repo), "focus_areas": ["report"]})
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    story_id = body["id"]
    assert body["status"] == "queued"
    assert accepted.headers["location"].endswith(f"/api/v1/stories/{story_id}")

    events = read_sse(stack, story_id, last_event_id="0")  # every event, however fast it ran
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "sequence numbers rise"
    assert [e["id"] for e in events] == [str(s) for s in seqs]
    assert events[-1]["status"] == "complete" and events[-1]["percent"] == 100
    percents = [e["percent"] for e in events]
    assert percents == sorted(percents), "the bar never goes backwards"
    assert {"fetch", "analyse", "narrate", "speak", "encode", "upload"} <= {
        e["step"] for e in events
    }

    story = stack.http.get(f"/api/v1/stories/{story_id}").json()
    assert story["status"] == "complete"
    assert story["title"] == "tally"
    chapters = story["chapters"]
    assert 5 <= len(chapters) <= 9
    assert "A closer look at report" in [c["title"] for c in chapters]
    for before, after in itertools.pairwise(chapters):
        assert after["start_seconds"] == pytest.approx(
            before["start_seconds"] + before["duration_seconds"], abs=0.01
        )
    total = chapters[-1]["start_seconds"] + chapters[-1]["duration_seconds"]
    assert story["duration_seconds"] == pytest.approx(total, abs=0.01)
    assert story["audio_url"] == story["links"]["audio"]
    # Told with the defaults, a story is spoken by the neural voice, and says so.
    assert (story["speech_engine"], story["speech_voice"]) == ("hibari", "heart")

    audio = stack.http.get(f"/api/v1/stories/{story_id}/audio")
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/mpeg"
    assert audio.headers["accept-ranges"] == "bytes"
    assert audio.headers["x-content-type-options"] == "nosniff"
    assert audio.headers["content-disposition"] == f'inline; filename="{story_id}-story.mp3"'
    mp3 = audio.content
    head = stack.http.head(f"/api/v1/stories/{story_id}/audio")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(mp3))
    assert head.headers["content-type"] == "audio/mpeg"
    assert duration_seconds(mp3) == pytest.approx(story["duration_seconds"], abs=0.2)
    marks = read_chapters(mp3)
    assert [m[0] for m in marks] == [c["title"] for c in chapters]
    for (_, start, end), chapter in zip(marks, chapters, strict=True):
        assert start == pytest.approx(chapter["start_seconds"], abs=0.002)
        assert end == pytest.approx(
            chapter["start_seconds"] + chapter["duration_seconds"], abs=0.002
        )

    partial = stack.http.get(
        f"/api/v1/stories/{story_id}/audio", headers={"Range": "bytes=100-199"}
    )
    assert partial.status_code == 206
    assert partial.headers["content-range"] == f"bytes 100-199/{len(mp3)}"
    assert partial.content == mp3[100:200]
    tail = stack.http.get(f"/api/v1/stories/{story_id}/audio", headers={"Range": "bytes=-50"})
    assert tail.content == mp3[-50:]
    beyond = stack.http.get(
        f"/api/v1/stories/{story_id}/audio", headers={"Range": f"bytes={len(mp3)}-"}
    )
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(mp3)}"

    vtt = stack.http.get(f"/api/v1/stories/{story_id}/chapters.vtt")
    assert vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT")
    assert all(c["title"] in vtt.text for c in chapters)
    transcript = stack.http.get(f"/api/v1/stories/{story_id}/transcript").text
    for fact in ("src/tally/counting.py", "Tally counts words", "click"):
        assert fact in transcript
    manifest = stack.http.get(f"/api/v1/stories/{story_id}/manifest").json()
    assert manifest["status"] == "complete" and manifest["chapters"] == chapters
    assert (manifest["speech_engine"], manifest["speech_voice"]) == ("hibari", "heart")
    # The evidence sidecar: one entry per caption cue, numbered alike, each source a file
    # of the repository (or "." for counts over the whole tree).
    captions = stack.http.get(f"/api/v1/stories/{story_id}/captions.vtt").text
    cue_numbers = re.findall(r"^(\d+)\n\d\d:", captions, re.M)
    evidence = stack.http.get(f"/api/v1/stories/{story_id}/evidence.json")
    assert evidence.headers["content-type"].startswith("application/json")
    entries = evidence.json()
    assert [str(e["cue"]) for e in entries] == cue_numbers
    sources = [s for e in entries for s in e["evidence"]]
    assert sources and all(s["path"] == "." or (repo / s["path"]).exists() for s in sources)
    assert any(s["path"] == "src/tally/counting.py" and s.get("line") for s in sources)
    assert (stack.artifact_dir / "stories" / story_id / "story.mp3").read_bytes() == mp3


def test_sse_resumes_after_last_event_id(stack: Stack, repo: Path) -> None:
    story_id = submit(stack, {"repository_url": str(repo)}).json()["id"]
    events = read_sse(stack, story_id, last_event_id="0")
    assert events[-1]["status"] == "complete"
    # A finished story's stream is just its final snapshot.
    assert [e["seq"] for e in read_sse(stack, story_id)] == [events[-1]["seq"]]
    middle = events[len(events) // 2]
    resumed = read_sse(stack, story_id, last_event_id=middle["id"])
    assert [e["seq"] for e in resumed] == [e["seq"] for e in events if e["seq"] > middle["seq"]]
    bad = stack.http.get(f"/api/v1/stories/{story_id}/events", headers={"Last-Event-ID": "abc"})
    assert bad.status_code == 400


def test_websocket_streams_the_same_progress(stack: Stack, repo: Path) -> None:
    from websockets.sync.client import connect

    story_id = submit(stack, {"repository_url": str(repo)}).json()["id"]
    url = stack.base_url.replace("http", "ws") + f"/api/v1/stories/{story_id}/ws"
    received = []
    with connect(url, open_timeout=10) as socket:
        for message in socket:
            received.append(json.loads(message))
    assert received[-1]["status"] == "complete"
    assert [e["seq"] for e in received] == sorted(e["seq"] for e in received)


def test_idempotency_key(stack: Stack, repo: Path) -> None:
    body = {"repository_url": str(repo), "style": "deep-dive"}
    first = submit(stack, body, **{"Idempotency-Key": "abc-123"})
    second = submit(stack, body, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    conflict = submit(stack, {**body, "style": "overview"}, **{"Idempotency-Key": "abc-123"})
    assert conflict.status_code == 409
    stack.wait_status(first.json()["id"], {"complete"})


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "repository_url", "Field required"),
        (
            {"repository_url": "ftp://example.com/x"},
            "repository_url",
            "scheme 'ftp' is not supported",
        ),
        (
            {"repository_url": "https://u:p@github.com/a/b"},
            "repository_url",
            "must not contain credentials",
        ),
        ({"repository_url": "https://10.0.0.1/a/b"}, "repository_url", "not a public address"),
        (
            {"repository_url": "/definitely/not/here"},
            "repository_url",
            "is outside the folders this server may read",
        ),
        ({"repository_url": "https://github.com/a/b", "style": "epic"}, "style", "Input should be"),
        (
            {"repository_url": "https://github.com/a/b", "expertise_level": 3},
            "expertise_level",
            "Input should be",
        ),
        ({"repository_url": "https://github.com/a/b", "ref": "-x"}, "ref", "branch or tag"),
        (
            {"repository_url": "https://github.com/a/b", "focus_areas": ["a"] * 6},
            "focus_areas",
            "at most 5",
        ),
    ],
)
def test_bad_requests_name_the_field(
    stack: Stack, body: dict[str, Any], field: str, message: str
) -> None:
    before = stack.http.get("/api/v1/stories").json()["total"]
    response = submit(stack, body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == field
    assert message in detail["msg"]
    assert stack.http.get("/api/v1/stories").json()["total"] == before, "nothing was recorded"


def test_malformed_json_is_422(stack: Stack) -> None:
    response = stack.http.post(
        "/api/v1/stories", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("files", "ref", "error_type", "reason"),
    [
        ({}, None, "no_source", "the repository is empty"),
        (
            {"logo.png": b"\x89PNG\x00\x00\x01", "data.bin": b"\x00" * 64},
            None,
            "no_source",
            "only binary files",
        ),
        ({"README.md": "# Notes\n"}, None, "no_source", "no source code was found"),
        (
            {"main.py": "print(1)\n"},
            "no-such-branch",
            "fetch_failed",
            "'no-such-branch' does not exist",
        ),
    ],
)
def test_bad_repositories_fail_visibly(
    stack: Stack,
    tmp_path: Path,
    files: dict[str, Any],
    ref: str | None,
    error_type: str,
    reason: str,
) -> None:
    repo = make_repo(tmp_path / "bad", files)
    story_id = submit(stack, {"repository_url": str(repo), "ref": ref}).json()["id"]
    story = stack.wait_status(story_id, {"failed", "complete"})
    assert story["status"] == "failed"
    assert story["error_type"] == error_type
    assert reason in story["failure_reason"]
    progress = stack.http.get(f"/api/v1/stories/{story_id}/progress").json()
    assert progress["status"] == "failed" and reason in progress["message"]
    missing_audio = stack.http.get(f"/api/v1/stories/{story_id}/audio")
    assert missing_audio.status_code == 404 and "failed" in missing_audio.json()["detail"]
    dlq = stack.http.get("/api/v1/admin/dlq", headers=ADMIN).json()
    assert any(e["story_id"] == story_id and e["error_type"] == error_type for e in dlq["entries"])
    logged = [
        json.loads(line)
        for line in (stack.log_dir / "story.log").read_text().splitlines()
        if line.startswith("{") and story_id in line
    ]
    failure = next(entry for entry in logged if entry["event"] == "story failed")
    assert (
        failure["error_type"] == error_type and failure["task_id"] and failure["level"] == "warning"
    )


def test_admin_routes_need_the_token(stack: Stack) -> None:
    assert stack.http.get("/api/v1/admin/dlq").status_code == 401
    wrong = stack.http.get("/api/v1/admin/dlq", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_cancel(stack: Stack, repo: Path) -> None:
    story_id = submit(stack, {"repository_url": str(repo)}).json()["id"]
    cancelled = stack.http.delete(f"/api/v1/stories/{story_id}")
    if cancelled.status_code == 409:  # the workers were quicker; nothing left to cancel
        assert "already complete" in cancelled.json()["detail"]
        return
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = stack.http.delete(f"/api/v1/stories/{story_id}")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    events = read_sse(stack, story_id)
    assert events[-1]["status"] == "cancelled"
    assert [e["step"] for e in events].count("cancelled") <= 1
    # A worker that picks the message up later leaves the story cancelled.
    assert stack.wait_status(story_id, {"cancelled"})["status"] == "cancelled"


def test_finished_story_cannot_be_cancelled(stack: Stack, repo: Path) -> None:
    story_id = submit(stack, {"repository_url": str(repo)}).json()["id"]
    stack.wait_status(story_id, {"complete"})
    refused = stack.http.delete(f"/api/v1/stories/{story_id}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "the story is already complete"


def test_list_pages_and_api_alias(stack: Stack, repo: Path) -> None:
    page = stack.http.get("/api/v1/stories", params={"limit": 2}).json()
    assert page["limit"] == 2 and len(page["items"]) <= 2 and page["total"] >= len(page["items"])
    created = [
        s["created_at"]
        for s in stack.http.get("/api/v1/stories", params={"limit": 50}).json()["items"]
    ]
    assert created == sorted(created, reverse=True)
    alias = stack.http.get("/api/stories", params={"limit": 2}).json()
    assert alias["total"] == page["total"]
    one = page["items"][0]["id"]
    assert stack.http.get(f"/api/stories/{one}").json()["id"] == one
    assert stack.http.get("/api/v1/stories/nope").status_code == 404
    assert stack.http.get("/api/v1/stories", params={"limit": 0}).status_code == 422


def test_health_reports_redis_workers_and_queues(stack: Stack) -> None:
    assert stack.http.get("/healthz").json() == {"status": "ok"}
    assert stack.http.get("/readyz").status_code == 200
    report = stack.http.get("/health").json()
    assert report["status"] == "ok" and report["redis"] == "ok"
    assert set(report["queues"]) == {"stories", "audio", "maintenance"}
    assert set(report["in_flight"]) == {"stories", "audio", "maintenance"}
    hostnames = {w["hostname"].split("@")[0] for w in report["workers"]}
    assert hostnames == {"story", "audio", "janitor"}
    assert "/api/v1/stories" in stack.http.get("/openapi.json").json()["paths"]


def test_worker_heartbeat_files_feed_the_probe(stack: Stack) -> None:
    import os
    import sys

    for name in ("story", "audio", "janitor"):
        env = {**os.environ, "CODESTORY_HEARTBEAT_DIR": str(stack.log_dir / "hb" / name)}
        for kind in ("liveness", "readiness"):
            result = subprocess.run(
                [sys.executable, "-m", "codestory", "probe", kind],
                env=env,
                capture_output=True,
                timeout=30,
            )
            assert result.returncode == 0, (name, kind, result.stderr)


def test_repeat_story_reuses_analysis_and_audio(stack: Stack, repo: Path) -> None:
    """The same commit told the same way again skips fetch, analysis and speech."""
    body = {"repository_url": str(repo), "style": "deep-dive", "expertise_level": "expert"}
    ids = []
    for _ in range(2):
        accepted = submit(stack, body)
        assert accepted.status_code == 202, accepted.text
        ids.append(accepted.json()["id"])
        # From the first event: a story told from caches may end before the stream opens.
        events = read_sse(stack, ids[-1], last_event_id="0")
        assert events[-1]["status"] == "complete"
    first, second = (stack.http.get(f"/api/v1/stories/{i}").json() for i in ids)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert first["commit"] == second["commit"] == head
    assert second["cache"] == {"analysis": "hit", "audio": "hit"}
    assert any("reusing" in e["message"].lower() for e in events if e["step"] == "analyse"), [
        (e["step"], e["message"]) for e in events
    ]
    audio = [stack.http.get(f"/api/v1/stories/{i}/audio").content for i in ids]
    assert audio[0] == audio[1] and second["chapters"] == first["chapters"]
    assert value(scrape(stack.metrics_ports["story"]), CACHE, cache="analysis", result="hit") >= 1
    assert value(scrape(stack.metrics_ports["audio"]), CACHE, cache="audio", result="hit") >= 1


def test_a_large_repository_is_parsed_on_several_cores(stack: Stack, tmp_path: Path) -> None:
    """Enough files to parse in worker processes, started from inside a Celery worker."""
    files: dict[str, str | bytes] = {"README.md": "# wide\n\nMany small modules.\n"}
    for index in range(PARALLEL_MIN_FILES + 20):
        files[f"src/wide/m{index:03d}.py"] = (
            f'"""Module {index}."""\n\ndef f{index}():\n    return {index}\n'
        )
    repo = make_repo(tmp_path / "wide", files)
    accepted = submit(stack, {"repository_url": str(repo)})
    read_sse(stack, accepted.json()["id"])
    story = stack.http.get(f"/api/v1/stories/{accepted.json()['id']}").json()
    assert story["status"] == "complete", story["failure_reason"]
    assert story["cache"]["analysis"] == "miss"
