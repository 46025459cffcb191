"""The gateway's routes in-process: an ASGI client against the real app, on a real Valkey,
with no workers. The live-process tests (tests/integration) cover the same API end to end;
these run in seconds and name the route that broke."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import redis
from fastapi.testclient import TestClient

from codestory.artifacts.kinds import LINKED, SERVED, story_artifact
from codestory.core.queues import QUEUE_STORIES
from codestory.records.store import StoryStore
from tests.support import ADMIN
from tests.unit.gateway.finished import URL, artifact_folder, finished_story


def test_a_submission_is_answered_at_once_and_its_task_is_queued(
    client: TestClient, env: dict[str, str]
) -> None:
    broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    waiting = broker.llen(QUEUE_STORIES)
    response = client.post("/api/v1/stories", json={"repository_url": URL})
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "queued"
    assert set(body["links"]) == {"self", "progress", "events", *(k.name for k in LINKED)}
    assert broker.llen(QUEUE_STORIES) == waiting + 1
    message = json.loads(broker.lindex(QUEUE_STORIES, 0) or b"{}")
    assert message["headers"]["codestory_story_id"] == body["id"]
    story = client.get(f"/api/v1/stories/{body['id']}").json()
    assert story["status"] == "queued" and story["repository_url"] == URL
    assert client.get(f"/api/v1/stories/{body['id']}/progress").json()["status"] == "queued"


def test_a_body_with_a_misspelt_field_is_refused_naming_it(client: TestClient) -> None:
    response = client.post("/api/v1/stories", json={"repository_ur": URL})
    assert response.status_code == 422
    assert "repository_ur" in response.text


def test_a_location_that_is_not_https_is_refused_with_a_reason(client: TestClient) -> None:
    response = client.post("/api/v1/stories", json={"repository_url": "http://github.com/a/b"})
    assert 400 <= response.status_code < 500
    assert "https" in response.text


def test_an_unknown_story_is_a_404_on_every_route(client: TestClient) -> None:
    for path in ("", "/progress", *(f"/{kind.route}" for kind in SERVED)):
        assert client.get(f"/api/v1/stories/no-such-story{path}").status_code == 404, path


def test_stories_are_listed_newest_first(client: TestClient) -> None:
    ids = [
        client.post("/api/v1/stories", json={"repository_url": URL, "ref": ref}).json()["id"]
        for ref in ("v1", "v2")
    ]
    page = client.get("/api/v1/stories", params={"limit": 2}).json()
    assert [item["id"] for item in page["items"]] == ids[::-1]


def test_cancelling_twice_is_harmless_and_a_finished_story_cannot_be(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story_id = client.post("/api/v1/stories", json={"repository_url": URL}).json()["id"]
    assert client.delete(f"/api/v1/stories/{story_id}").json()["status"] == "cancelled"
    assert client.delete(f"/api/v1/stories/{story_id}").json()["status"] == "cancelled"
    assert client.get(f"/api/v1/stories/{story_id}/progress").json()["step"] == "cancelled"
    finished = finished_story(store, env, b"ID3")
    refused = client.delete(f"/api/v1/stories/{finished.id}")
    assert refused.status_code == 409 and "already complete" in refused.text


def test_an_artifact_not_ready_is_a_404_that_says_why(client: TestClient) -> None:
    story_id = client.post("/api/v1/stories", json={"repository_url": URL}).json()["id"]
    response = client.get(f"/api/v1/stories/{story_id}/audio")
    assert response.status_code == 404
    assert "not ready" in response.text and "queued" in response.text


def test_a_finished_storys_files_are_served_whole_in_ranges_and_to_head(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    audio = bytes(range(256)) * 4
    story = finished_story(store, env, audio)
    root = f"/api/v1/stories/{story.id}"
    whole = client.get(f"{root}/audio")
    assert whole.status_code == 200 and whole.content == audio
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["x-content-type-options"] == "nosniff"
    part = client.get(f"{root}/audio", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == audio[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(audio)}"
    head = client.head(f"{root}/audio")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(audio))
    beyond = client.get(f"{root}/audio", headers={"Range": f"bytes={len(audio) + 5}-"})
    assert beyond.status_code == 416
    assert client.get(f"{root}/captions.vtt").content == b"captions of the story"
    # The manifest is served whole: a range asked of it is not honoured.
    manifest = client.get(f"{root}/manifest", headers={"Range": "bytes=0-1"})
    assert manifest.status_code == 200 and manifest.content == b"manifest of the story"
    shown = client.get(root).json()
    assert shown["audio_url"].endswith(f"{root}/audio")


def test_a_file_missing_from_storage_is_a_404_that_says_so(
    client: TestClient, store: StoryStore, env: dict[str, str]
) -> None:
    story = finished_story(store, env, b"ID3")
    files = artifact_folder(env)
    (files / story_artifact(story.id, "transcript")).unlink()
    response = client.get(f"/api/v1/stories/{story.id}/transcript")
    assert response.status_code == 404 and "missing from storage" in response.text


def test_liveness_does_not_depend_on_redis_and_readiness_does(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").status_code == 200


def test_a_local_folder_needs_the_admin_token(client: TestClient, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    anonymous = client.post("/api/v1/stories", json={"repository_url": str(folder)})
    assert anonymous.status_code == 422 and "needs the admin token" in anonymous.text
    admitted = client.post("/api/v1/stories", json={"repository_url": str(folder)}, headers=ADMIN)
    assert admitted.status_code == 202, admitted.text
