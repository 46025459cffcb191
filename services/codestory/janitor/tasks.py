"""janitor: find stuck stories and requeue or fail them; expire old stories."""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import redis

from codestory.artifacts import CACHE_PREFIX
from codestory.dispatch import enqueue_audio, enqueue_story
from codestory.domain import ErrorType, Status
from codestory.janitor.decisions import Action, is_expired, judge_story
from codestory.observability.metrics import STORIES_EXPIRED, STUCK_FIXED, STUCK_FOUND
from codestory.queue import QUEUES, STORY_ID_HEADER, TASK_EXPIRE_OLD, TASK_SWEEP_STUCK, app
from codestory.settings import get_settings
from codestory.store import StoryNotFoundError, iter_queue_headers, make_client
from codestory.task_runtime import fail_story, worker_artifacts, worker_store

log = logging.getLogger("codestory.janitor")
settings = get_settings()


@lru_cache(maxsize=1)
def broker_client() -> redis.Redis:
    # Queues live in the broker's database, which need not be REDIS_URL's.
    return make_client(settings.celery_broker_url)


def waiting_story_ids() -> set[str]:
    found: set[str] = set()
    for queue in QUEUES:
        for headers in iter_queue_headers(broker_client(), queue):
            story_id = headers.get(STORY_ID_HEADER)
            if isinstance(story_id, str):
                found.add(story_id)
    return found


@app.task(name=TASK_SWEEP_STUCK, bind=True, ignore_result=True)
def sweep_stuck(self: Any) -> dict[str, int]:
    store = worker_store()
    store.record_janitor_run(TASK_SWEEP_STUCK)
    waiting = waiting_story_ids()
    now = time.time()
    counts = {"requeued": 0, "failed": 0}
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
            waiting_in_queue=story_id in waiting,
            stuck_after=settings.stuck_after_seconds,
        )
        if verdict.action is not Action.LEAVE:
            STUCK_FOUND.labels(status=str(story.status)).inc()
            STUCK_FIXED.labels(action=str(verdict.action)).inc()
        if verdict.action is Action.REQUEUE:
            store.update(story_id, lambda s: setattr(s, "requeues", s.requeues + 1))
            if story.status is Status.SYNTHESIZING:
                enqueue_audio(app, story_id, None, settings)
            else:
                enqueue_story(app, story_id)
            store.publish(story_id, story.status, "requeued", f"Requeued: {verdict.reason}")
            log.warning(
                "requeued stuck story", extra={"story_id": story_id, "reason": verdict.reason}
            )
            counts["requeued"] += 1
        elif verdict.action is Action.FAIL:
            fail_story(
                store,
                story_id,
                verdict.reason,
                ErrorType.STUCK,
                task=self.name,
                task_id=str(self.request.id),
            )
            counts["failed"] += 1
    return counts


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
            artifacts.delete_prefix(f"stories/{story_id}/")
            store.delete(story_id)
            STORIES_EXPIRED.inc()
            expired += 1
    # Cached analyses and audio age out on the same clock; a later story simply redoes them.
    purged = artifacts.delete_older_than(CACHE_PREFIX, now - retention)
    if expired or purged:
        log.info("expired old stories", extra={"count": expired, "cache_files": purged})
    return expired
