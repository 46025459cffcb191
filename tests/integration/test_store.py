"""StoryStore against a real Redis-compatible server."""

from __future__ import annotations

import json
import time

import pytest
import redis

from codestory.core.domain import Status, Story, StoryRequest, TransitionError
from codestory.records.keys import progress_channel
from codestory.records.store import (
    IdempotencyConflictError,
    LeaseKeeper,
    StoryNotFoundError,
    StoryStore,
    make_client,
)
from codestory.runtime.broker import iter_queue_headers


@pytest.fixture
def store(redis_url: str) -> StoryStore:
    return StoryStore(make_client(redis_url), progress_ttl=120)


def new_story(url: str = "https://github.com/a/b") -> Story:
    return Story.new(StoryRequest(repository_url=url))


def test_create_get_list(store: StoryStore) -> None:
    first, created = store.create(new_story())
    assert created
    time.sleep(0.01)
    second, _ = store.create(new_story("https://github.com/c/d"))
    assert store.get(first.id) == first
    stories, total = store.page(limit=1)
    assert total == 2 and [s.id for s in stories] == [second.id]
    assert set(store.active_ids()) == {first.id, second.id}
    with pytest.raises(StoryNotFoundError):
        store.get("missing")


def test_idempotency(store: StoryStore) -> None:
    story, created = store.create(new_story(), idempotency="k1", fingerprint="f")
    again, created_again = store.create(new_story(), idempotency="k1", fingerprint="f")
    assert created and not created_again and again.id == story.id
    with pytest.raises(IdempotencyConflictError):
        store.create(new_story(), idempotency="k1", fingerprint="other")
    assert store.page()[1] == 1


def test_transitions_only_move_forward(store: StoryStore) -> None:
    story, _ = store.create(new_story())
    store.transition(story.id, Status.GENERATING)
    with pytest.raises(TransitionError):
        store.transition(story.id, Status.ANALYZING)
    done = store.transition(story.id, Status.FAILED, failure_reason="boom", error_type="internal")
    assert (done.status, done.failure_reason, done.error_type) == (
        Status.FAILED,
        "boom",
        "internal",
    )
    assert store.get(story.id).status is Status.FAILED
    assert story.id not in store.active_ids()
    with pytest.raises(TransitionError):
        store.transition(story.id, Status.COMPLETE)


def test_progress_numbers_stores_and_announces_events(store: StoryStore, redis_url: str) -> None:
    story, _ = store.create(new_story())
    listener = redis.Redis.from_url(redis_url).pubsub()
    listener.subscribe(progress_channel(story.id))
    listener.get_message(timeout=1)  # subscription confirmation
    events = [
        store.publish(story.id, Status.ANALYZING, "fetch", "one"),
        store.publish(story.id, Status.ANALYZING, "analyse", "two", 0.5),
        store.publish(story.id, Status.FAILED, "failed", "three"),
    ]
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[2].percent == events[1].percent  # a failure keeps the bar where it was
    assert store.latest_progress(story.id) == events[2]
    assert [e.seq for e in store.progress_since(story.id, 1)] == [2, 3]
    received = []
    while (message := listener.get_message(timeout=1)) is not None:
        received.append(json.loads(message["data"])["seq"])
    assert received == [1, 2, 3]
    assert 0 < store.redis.ttl(f"codestory:progress:{story.id}") <= 120


def test_leases(store: StoryStore) -> None:
    token = store.acquire_lease("s", ttl=5)
    assert token is not None
    assert store.acquire_lease("s", ttl=5) is None
    assert store.renew_lease("s", token, 5)
    assert not store.renew_lease("s", "someone-else", 5)
    store.release_lease("s", "someone-else")
    assert store.has_lease("s")
    store.release_lease("s", token)
    assert not store.has_lease("s")


def test_lease_keeper_renews_and_notices_loss(store: StoryStore) -> None:
    token = store.acquire_lease("k", ttl=3)
    assert token
    with LeaseKeeper(store, "k", token, 3) as keeper:
        time.sleep(3.5)  # longer than the TTL: only renewal keeps it
        assert store.has_lease("k")
        store.redis.set("codestory:lease:k", "stolen")
        assert keeper.lost.wait(3)
    assert store.redis.get("codestory:lease:k") == "stolen"  # never released someone else's


def test_dead_letters_and_workers(store: StoryStore) -> None:
    store.dead_letter({"story_id": "a", "reason": "x"})
    store.dead_letter({"story_id": "b", "reason": "y"})
    assert store.dlq_size() == 2
    assert [e["story_id"] for e in store.dead_letters(1)] == ["b"]
    store.record_worker("w1", {"queues": ["stories"]}, ttl=10)
    assert store.live_workers()[0]["queues"] == ["stories"]
    store.forget_worker("w1")
    assert store.live_workers() == []


def test_in_flight_counts_kombu_unacked_messages(store: StoryStore) -> None:
    from codestory.runtime.broker import in_flight_by_queue

    store.redis.hset(
        "unacked",
        mapping={
            "t1": json.dumps([{"body": "x"}, "stories", "stories"]),
            "t2": json.dumps([{"body": "y"}, "audio", "audio"]),
            "t3": json.dumps([{"body": "z"}, "stories", "stories"]),
            "bad": "not json",
        },
    )
    assert in_flight_by_queue(store.redis) == {"stories": 2, "audio": 1}


def test_queue_headers_are_read_from_celery_messages(store: StoryStore) -> None:
    store.redis.rpush("stories", json.dumps({"headers": {"codestory_story_id": "s1"}}), "junk")
    assert [h["codestory_story_id"] for h in iter_queue_headers(store.redis, "stories")] == ["s1"]


def test_janitor_runs_are_counted(store: StoryStore) -> None:
    store.record_janitor_run("sweep")
    store.record_janitor_run("sweep")
    runs = store.janitor_runs()
    assert runs["sweep"] == 2
    assert runs["sweep:last"] > 0


def test_a_failure_and_its_dead_letter_land_together(store: StoryStore) -> None:
    story, _ = store.create(new_story())
    entry = {"story_id": story.id, "error_type": "no_source", "reason": "empty"}
    failed = store.transition(story.id, Status.FAILED, dead_letter=entry, failure_reason="empty")
    assert failed.status is Status.FAILED
    assert store.dead_letters(1)[0]["story_id"] == story.id
    assert story.id not in store.active_ids()
    with pytest.raises(TransitionError):  # a refused transition writes no dead letter
        store.transition(story.id, Status.FAILED, dead_letter=entry)
    assert store.dlq_size() == 1
