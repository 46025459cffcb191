"""janitor: find stuck stories and requeue or fail them; expire old stories."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis

from codestory.artifacts.backends import CACHE_PREFIX
from codestory.artifacts.kinds import story_prefix
from codestory.core.domain import ErrorType, Story
from codestory.core.queues import (
    QUEUES,
    TASK_CHECK_WATCHES,
    TASK_EXPIRE_OLD,
    TASK_POD_DELETION_COSTS,
    TASK_SWEEP_STUCK,
)
from codestory.core.settings import get_settings
from codestory.janitor.broker_view import taken_messages
from codestory.janitor.decisions import (
    Action,
    MessageState,
    Taken,
    Verdict,
    is_expired,
    judge_story,
    message_state,
)
from codestory.janitor.deletion_cost import DeletionCosts, kubernetes_patch
from codestory.observability.metrics import STORIES_EXPIRED, STUCK_FIXED, STUCK_FOUND
from codestory.records.store import StoryNotFoundError, StoryStore, make_client
from codestory.runtime.broker import drop_message, restore_message, waiting_story_ids
from codestory.runtime.celery_app import app
from codestory.runtime.dispatch import enqueue_stage, enqueue_watch_check
from codestory.runtime.task_runtime import (
    backoff_seconds,
    fail_story,
    worker_artifacts,
    worker_store,
)

log = logging.getLogger("codestory.janitor")
settings = get_settings()


@lru_cache(maxsize=1)
def broker_client() -> redis.Redis:
    # Queues live in the broker's database, which need not be REDIS_URL's.
    return make_client(settings.celery_broker_url)


@dataclass
class BrokerSnapshot:
    """What the broker holds, read once per sweep."""

    waiting: set[str]
    taken: dict[str, list[Taken]]
    workers: list[dict[str, Any]]

    @classmethod
    def read(cls, store: StoryStore) -> BrokerSnapshot:
        # Workers first: a heartbeat read before the messages can only make the janitor
        # more careful (a message delivered after it counts as possibly held).
        workers = store.live_workers()
        taken: dict[str, list[Taken]] = {}
        for message in taken_messages(broker_client()):
            taken.setdefault(message.story_id, []).append(message)
        return cls(waiting_story_ids(broker_client(), QUEUES), taken, workers)

    def state_of(self, story_id: str) -> MessageState:
        return message_state(
            waiting=story_id in self.waiting,
            taken=self.taken.get(story_id, ()),
            workers=self.workers,
        )


@app.task(name=TASK_SWEEP_STUCK, bind=True, ignore_result=True)
def sweep_stuck(self: Any) -> dict[str, int]:
    store = worker_store()
    store.record_janitor_run(TASK_SWEEP_STUCK)
    broker = BrokerSnapshot.read(store)
    now = time.time()
    counts = {str(action): 0 for action in Action if action is not Action.LEAVE}
    for story_id in store.active_ids():
        try:
            story = store.get(story_id)
        except StoryNotFoundError:
            continue
        latest = store.latest_progress(story_id)
        verdict = judge_story(
            story,
            now=now,
            last_activity=max(story.updated_at, latest.at if latest else 0.0),
            has_lease=store.has_lease(story_id),
            message=broker.state_of(story_id),
            stuck_after=settings.stuck_after_seconds,
            max_requeues=settings.max_requeues,
        )
        if verdict.action is Action.LEAVE:
            continue
        STUCK_FOUND.labels(status=str(story.status)).inc()
        STUCK_FIXED.labels(action=str(verdict.action)).inc()
        counts[str(verdict.action)] += 1
        orphans = broker.taken.get(story_id, [])
        if verdict.action is Action.FAIL:
            fail_story(
                store,
                story_id,
                verdict.reason,
                ErrorType.STUCK,
                task=self.name,
                task_id=str(self.request.id),
            )
            for message in orphans:  # kombu would otherwise redeliver it an hour from now
                drop_message(broker_client(), message.delivery_tag)
            continue
        recover(store, story, verdict, orphans)
    return counts


def recover(store: StoryStore, story: Story, verdict: Verdict, orphans: list[Taken]) -> None:
    """Give a stuck story back to its queue: its own message if a dead worker took it, or
    a new one after a backoff that grows with each requeue. The message goes first, so a
    requeue that is counted has always been sent."""
    if verdict.action is Action.RESTORE:
        for message in orphans:
            restore_message(
                settings.celery_broker_url,
                message.delivery_tag,
                app.conf.broker_transport_options,
            )
    else:
        delay = backoff_seconds(story.requeues, settings.retry_backoff_max_seconds)
        enqueue_stage(app, story.id, story.status, settings, countdown=delay)
    store.update(story.id, lambda s: setattr(s, "requeues", s.requeues + 1))
    store.publish(story.id, story.status, "requeued", f"Requeued: {verdict.reason}")
    log.warning("requeued stuck story", extra={"story_id": story.id, "reason": verdict.reason})


@app.task(name=TASK_EXPIRE_OLD, bind=True, ignore_result=True)
def expire_old(self: Any) -> int:
    store = worker_store()
    store.record_janitor_run(TASK_EXPIRE_OLD)
    artifacts = worker_artifacts()
    now = time.time()
    retention = settings.retention_days * 86400
    expired = 0
    for story_id in store.ids_older_than(now - retention):
        try:
            story = store.get(story_id)
        except StoryNotFoundError:
            store.delete(story_id)  # an index entry left behind
            continue
        if is_expired(story, now=now, retention_seconds=retention):
            artifacts.delete_prefix(story_prefix(story_id))
            store.delete(story_id)
            STORIES_EXPIRED.inc()
            expired += 1
    # Cached analyses and audio age out on the same clock; a later story simply redoes them.
    purged = artifacts.delete_older_than(CACHE_PREFIX, now - retention)
    if expired or purged:
        log.info("expired old stories", extra={"count": expired, "cache_files": purged})
    return expired


@lru_cache(maxsize=1)
def deletion_costs() -> DeletionCosts:
    """One per pool process: it remembers what it set, and its API client's connections."""
    return DeletionCosts(kubernetes_patch())


@app.task(name=TASK_POD_DELETION_COSTS, ignore_result=True)
def pod_deletion_costs() -> int:
    """Each worker pod's pod-deletion-cost := the tasks it runs (scale-in takes idle ones)."""
    changed = deletion_costs().update(worker_store().live_workers())
    if changed:
        log.info("pod deletion costs set", extra={"pods": changed})
    return len(changed)


@app.task(name=TASK_CHECK_WATCHES, ignore_result=True)
def check_watches() -> int:
    """Send a check for every watch that is due; each is moved on to its next check as it
    is taken, so a second janitor, or the next scan, never sends the same check twice."""
    store = worker_store()
    store.record_janitor_run(TASK_CHECK_WATCHES)
    due = store.claim_due_watches(time.time())
    for watch_id in due:
        enqueue_watch_check(app, watch_id, expires=settings.watch_scan_seconds * 10)
    return len(due)
