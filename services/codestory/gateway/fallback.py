"""Degraded mode: while the broker is unreachable, the gateway runs new stories itself.

Only with `CODESTORY_SYNC_FALLBACK=true`, and only while the record store answers (a story
nobody can follow is not worth accepting). The stages run as they would in the workers,
through `run_story_task` with the same lease, checkpoints, failure handling and artifacts;
a small thread pool with a bounded backlog keeps the gateway answering, and a submission
beyond the backlog gets a 503 as it would without the fallback. If the gateway dies
mid-story, the story sits at its stage with no lease and the janitor requeues it once the
broker is back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from codestory.observability.metrics import DEGRADED_STORIES
from codestory.runtime.stages import Stage, pipeline

log = logging.getLogger("codestory.gateway.fallback")

MAX_INLINE_WAIT_SECONDS = 30.0  # a retry's countdown, capped: the pool must keep moving


class InlineRetryError(Exception):
    """What `task.retry` raises for an inline stage: run it again after `countdown`."""

    def __init__(self, countdown: float) -> None:
        super().__init__(f"retry in {countdown:.1f} s")
        self.countdown = countdown


@dataclass
class InlineRequest:
    id: str
    retries: int = 0


@dataclass
class InlineTask:
    """The parts of a bound Celery task that run_story_task uses, for a stage run in place."""

    name: str
    request: InlineRequest = field(default_factory=lambda: InlineRequest(f"inline-{uuid.uuid4()}"))

    def retry(self, countdown: float = 0.0, **_: Any) -> InlineRetryError:
        return InlineRetryError(countdown)


def run_inline(story_id: str, stages: list[Stage], max_retries: int) -> str:
    """Run each stage in turn in this thread; stop at the first that does not finish."""
    from codestory.runtime.task_runtime import run_story_task

    outcome = "done"
    for stage in stages:
        task = InlineTask(stage.task)
        while True:
            try:
                outcome = run_story_task(
                    task, story_id, accepts=stage.accepts, body=stage.body, hand_off=False
                )
                break
            except InlineRetryError as retry:
                if task.request.retries >= max_retries:
                    return "gave-up"
                task.request.retries += 1
                time.sleep(min(retry.countdown, MAX_INLINE_WAIT_SECONDS))
        if outcome != "done":
            return outcome
    return outcome


class FallbackPool:
    """A few threads and a bounded backlog for stories the broker could not take."""

    def __init__(self, workers: int, backlog: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="degraded")
        self._capacity = workers + backlog
        self._taken = 0
        self._lock = threading.Lock()

    def has_room(self) -> bool:
        return self._taken < self._capacity

    def submit(self, story_id: str, max_retries: int) -> bool:
        """Take the story, or return False when every slot is taken."""
        with self._lock:
            if self._taken >= self._capacity:
                DEGRADED_STORIES.labels(outcome="refused").inc()
                return False
            self._taken += 1
        DEGRADED_STORIES.labels(outcome="run").inc()
        self._executor.submit(self._work, story_id, max_retries)
        return True

    def _work(self, story_id: str, max_retries: int) -> None:
        try:
            outcome = run_inline(story_id, pipeline(), max_retries)
            log.info("degraded story finished", extra={"story_id": story_id, "outcome": outcome})
        except Exception:
            # run_story_task already failed the story with a reason; this is the last net.
            log.exception("degraded story crashed", extra={"story_id": story_id})
        finally:
            with self._lock:
                self._taken -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
