"""Watched repositories: the routes in-process on a real Valkey, the cap under concurrent
requests, the janitor's claim of due watches, and a check against a real local repository
whose ref moves (git itself answers, and the story it submits is queued in the broker)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import redis
from fastapi.testclient import TestClient

from codestory.core.queues import QUEUE_STORIES
from codestory.core.settings import Settings
from codestory.core.watches import Watch, WatchRequest
from codestory.records.store import StoryStore
from codestory.runtime.celery_app import create_app
from codestory.runtime.submission import quotas_for
from codestory.story_worker.watch_check import check_watch, remote_commit
from tests.support import git, make_repo
from tests.unit.gateway.finished import URL


def _watch(client: str = "c1", interval: int = 60, now: float | None = None) -> Watch:
    request = WatchRequest(repository_url=URL, interval_minutes=interval)
    return Watch.new(request, owner=None, client=client, admin=False, now=now)


def test_a_watch_is_made_listed_paused_resumed_and_deleted(client: TestClient) -> None:
    made = client.post("/api/v1/watches", json={"repository_url": URL, "interval_minutes": 60})
    assert made.status_code == 201, made.text
    watch = made.json()
    assert made.headers["location"] == watch["url"]
    assert watch["request"]["repository_url"] == URL and watch["interval_seconds"] == 3600
    assert "client" not in watch and "owner" not in watch
    assert watch["id"] in {w["id"] for w in client.get("/api/v1/watches").json()["items"]}
    paused = client.post(f"/api/v1/watches/{watch['id']}/pause").json()
    assert paused["paused"] is True
    resumed = client.post(f"/api/v1/watches/{watch['id']}/resume").json()
    assert resumed["paused"] is False and resumed["next_check_at"] > time.time() + 3000
    assert client.delete(f"/api/v1/watches/{watch['id']}").status_code == 204
    assert client.get(f"/api/v1/watches/{watch['id']}").status_code == 404


def test_a_watch_is_refused_for_what_a_story_would_be_and_for_a_short_interval(
    client: TestClient,
) -> None:
    ssh = client.post("/api/v1/watches", json={"repository_url": "git@github.com:a/b.git"})
    assert ssh.status_code == 422 and "use https://github.com/a/b" in ssh.text
    short = client.post("/api/v1/watches", json={"repository_url": URL, "interval_minutes": 5})
    assert short.status_code == 422 and "interval_minutes" in short.text
    assert "at least 15" in short.text


def test_a_clients_cap_holds_under_concurrent_requests(store: StoryStore) -> None:
    watches = [_watch(client="crowd") for _ in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        kept = list(pool.map(lambda w: store.add_watch(w, cap=4), watches))
    assert kept.count(True) == 4
    assert store.add_watch(_watch(client="someone-else"), cap=4)


def test_a_due_watch_is_claimed_once_and_moved_on_by_its_interval(store: StoryStore) -> None:
    now = time.time()
    due = _watch(client="claims", interval=30, now=now - 10)
    later = _watch(client="claims", interval=30, now=now + 600)
    for watch in (due, later):
        assert store.add_watch(watch, cap=10)
    with ThreadPoolExecutor(max_workers=4) as pool:
        claims = list(pool.map(lambda _: store.claim_due_watches(now), range(4)))
    taken = [watch_id for claim in claims for watch_id in claim]
    assert taken.count(due.id) == 1 and later.id not in taken
    assert due.id not in store.claim_due_watches(now + 30 * 60 - 1)
    assert due.id in store.claim_due_watches(now + 30 * 60 + 1)


def test_a_moved_ref_submits_a_story_and_an_unmoved_one_does_not(
    store: StoryStore, env: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings()
    repo = make_repo(tmp_path / "watched", {"README.md": "# Watched\n", "a.py": "x = 1\n"})
    request = WatchRequest(repository_url=str(repo), interval_minutes=60)
    watch = Watch.new(request, owner=None, client="admin", admin=True)
    assert store.add_watch(watch, cap=10)
    app = create_app(settings)
    quotas = quotas_for(settings, store)
    resolve = remote_commit(settings)
    broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    waiting = broker.llen(QUEUE_STORIES)

    assert check_watch(store, quotas, app, watch.id, resolve) == "noted"
    noted = store.get_watch(watch.id)
    assert noted.last_commit and noted.last_story_id is None
    assert check_watch(store, quotas, app, watch.id, resolve) == "unchanged"
    assert broker.llen(QUEUE_STORIES) == waiting

    (repo / "b.py").write_text("y = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    assert check_watch(store, quotas, app, watch.id, resolve) == "told"
    told = store.get_watch(watch.id)
    assert told.last_commit != noted.last_commit and told.stories_submitted == 1
    story = store.get(str(told.last_story_id))
    assert story.repository_url == str(repo) and story.status == "queued"
    assert story.since == noted.last_commit, "a digest of what changed since the last check"
    assert broker.llen(QUEUE_STORIES) == waiting + 1
    message = json.loads(broker.lindex(QUEUE_STORIES, 0) or b"{}")
    assert message["headers"]["codestory_story_id"] == story.id
    assert "moved" in (store.latest_progress(story.id) or story).message  # type: ignore[union-attr]


def test_a_watch_whose_repository_is_gone_says_so(
    store: StoryStore, env: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings()
    repo = make_repo(tmp_path / "soon-gone", {"README.md": "# Gone\n"})
    watch = Watch.new(
        WatchRequest(repository_url=str(repo)), owner=None, client="admin", admin=True
    )
    assert store.add_watch(watch, cap=10)
    app = create_app(settings)
    git(repo, "update-ref", "-d", "refs/heads/main")
    outcome = check_watch(
        store, quotas_for(settings, store), app, watch.id, remote_commit(settings)
    )
    assert outcome == "unreadable"
    assert "could not be read" in str(store.get_watch(watch.id).last_error)


def test_a_paused_watch_is_not_checked(store: StoryStore, env: dict[str, str]) -> None:
    settings = Settings()
    watch = _watch(client="paused")
    assert store.add_watch(watch, cap=10)
    store.pause_watch(watch.id, True, now=time.time())
    outcome = check_watch(
        store, quotas_for(settings, store), create_app(settings), watch.id, remote_commit(settings)
    )
    assert outcome == "paused"
    assert watch.id not in store.claim_due_watches(time.time() + 10**7)


def test_an_api_key_sees_and_changes_only_its_own_watches(keyed: Any) -> None:
    client, _store, _env, keys = keyed
    ann = {"Authorization": f"Bearer {keys['ann']}"}
    bob = {"Authorization": f"Bearer {keys['bob']}"}
    body = {"repository_url": URL, "interval_minutes": 60}
    anns = client.post("/api/v1/watches", json=body, headers=ann).json()
    assert client.get(f"/api/v1/watches/{anns['id']}", headers=bob).status_code == 404
    assert client.post(f"/api/v1/watches/{anns['id']}/pause", headers=bob).status_code == 404
    assert client.delete(f"/api/v1/watches/{anns['id']}", headers=bob).status_code == 404
    assert client.get("/api/v1/watches", headers=bob).json()["items"] == []
    assert [w["id"] for w in client.get("/api/v1/watches", headers=ann).json()["items"]] == [
        anns["id"]
    ]
    assert client.get("/api/v1/watches").status_code == 401


def test_a_watch_that_tells_tours_submits_the_whole_repository(
    store: StoryStore, env: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings()
    repo = make_repo(tmp_path / "toured", {"README.md": "# Toured\n", "a.py": "x = 1\n"})
    request = WatchRequest(repository_url=str(repo), tells="tour")
    watch = Watch.new(request, owner=None, client="admin", admin=True)
    assert store.add_watch(watch, cap=10)
    app, quotas, resolve = (
        create_app(settings),
        quotas_for(settings, store),
        remote_commit(settings),
    )
    assert check_watch(store, quotas, app, watch.id, resolve) == "noted"
    (repo / "b.py").write_text("y = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    assert check_watch(store, quotas, app, watch.id, resolve) == "told"
    story = store.get(str(store.get_watch(watch.id).last_story_id))
    assert story.since is None
