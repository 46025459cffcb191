"""What every story task does around its real work: lease, checkpoints, retries, failure.

A task body only fetches, analyses, speaks. This module makes sure that whatever goes
wrong ends in a visible state: a `failed` story with reason and error type, a DLQ entry,
and a log line carrying the story and task ids.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import redis
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from celery.exceptions import SoftTimeLimitExceeded

from codestory.artifacts.backends import ArtifactStore, open_store
from codestory.artifacts.kinds import story_artifact
from codestory.core.domain import (
    PIPELINE_ORDER,
    ErrorType,
    FailureCause,
    Status,
    Story,
    TransitionError,
    failure_cause,
)
from codestory.core.redaction import redact
from codestory.core.settings import Settings, get_settings
from codestory.observability.logging import log_context
from codestory.observability.metrics import STORIES_FINISHED
from codestory.records import story_log
from codestory.records.store import LeaseKeeper, StoryNotFoundError, StoryStore, make_client

log = logging.getLogger("codestory.tasks")

LEASE_WAIT_RETRIES = 20


class PermanentError(Exception):
    """Retrying will not help: the input is bad. The message is shown to the user.

    `cause` says whose doing it was where the error type alone does not (a missing branch
    is a fetch_failed of the caller's); None: the error type's own (domain.failure_cause).
    """

    def __init__(
        self, reason: str, error_type: str | ErrorType, *, cause: FailureCause | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_type = str(error_type)
        self.cause = cause


class TransientError(Exception):
    """Worth retrying: the network, the broker or a store had a bad moment. `cause` is
    FailureCause.CLIENT when what failed is the caller's (a host name that does not exist):
    once the retries are spent, the failure is theirs."""

    def __init__(self, *args: object, cause: FailureCause | None = None) -> None:
        super().__init__(*args)
        self.cause = cause


class CancelledError(Exception):
    pass


class LeaseLostError(Exception):
    pass


class PausedError(Exception):
    """Paused at a checkpoint: the task lets go of the story and its worker slot."""


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    redis.ConnectionError,
    redis.TimeoutError,
    ConnectionError,
    EndpointConnectionError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ReadTimeoutError,
)


@lru_cache(maxsize=1)
def worker_store() -> StoryStore:
    settings = get_settings()
    return StoryStore(make_client(settings.redis_url), progress_ttl=settings.progress_ttl_seconds)


@lru_cache(maxsize=1)
def worker_artifacts() -> ArtifactStore:
    return open_store(get_settings())


@dataclass
class StoryRun:
    """Handed to a task body: the story, its stores, and the ways to report."""

    story: Story
    store: StoryStore
    artifacts: ArtifactStore
    settings: Settings
    lease: LeaseKeeper
    released: list[Callable[[], object]] = field(default_factory=list)

    def after_release(self, action: Callable[[], object]) -> None:
        """Run `action` once the body has finished and the lease is given back.

        Handing the story to the next queue here, not inside the body, means the next
        worker never finds it still leased and backs off for a whole lease period.
        """
        self.released.append(action)

    def progress(self, step: str, message: str, fraction: float = 0.0) -> None:
        story_log.at_step(step)
        log.info(message)  # the story's log tells what its progress said, and when
        self.store.publish(self.story.id, self.story.status, step, message, fraction)

    def advance(self, target: Status, **fields: Any) -> None:
        """Move forward to `target`, or stay put if a redelivered task finds it further on."""
        if PIPELINE_ORDER.index(self.story.status) > PIPELINE_ORDER.index(target):
            target = self.story.status
        try:
            self.story = self.store.transition(self.story.id, target, **fields)
        except TransitionError:
            # Cancelled (or failed by the janitor) since the last checkpoint: stop quietly.
            raise CancelledError(self.story.id) from None

    def stop_wanted(self, every_seconds: float = 1.0) -> Callable[[], bool]:
        """A cheap question for long loops: should the work stop (cancelled, pause asked,
        lease lost)? Redis is asked at most once per `every_seconds`; the loop then calls
        checkpoint(), which raises the right exception."""
        asked = [0.0]

        def wanted() -> bool:
            if self.lease.lost.is_set():
                return True
            now = time.monotonic()
            if now - asked[0] < every_seconds:
                return False
            asked[0] = now
            current = self.store.get(self.story.id)
            return current.status is Status.CANCELLED or current.pause is not None

        return wanted

    def checkpoint(self) -> None:
        """Stop early if the story was cancelled or another worker took it over."""
        if self.lease.lost.is_set():
            raise LeaseLostError(self.story.id)
        current = self.store.get(self.story.id)
        if current.status is Status.CANCELLED:
            raise CancelledError(self.story.id)
        if current.pause is not None and self.store.settle_pause(self.story.id):
            raise PausedError(self.story.id)
        if self.settings.debug_stage_delay_seconds:
            time.sleep(self.settings.debug_stage_delay_seconds)


def fail_story(
    store: StoryStore,
    story_id: str,
    reason: str,
    error_type: str,
    *,
    task: str,
    task_id: str,
    cause: FailureCause | None = None,
) -> None:
    reason = redact(reason)  # users and the DLQ read it: no credential, however it got in
    entry = {
        "story_id": story_id,
        "task": task,
        "task_id": task_id,
        "error_type": error_type,
        "reason": reason,
    }
    try:
        # The DLQ entry lands with the status, before the final event announces it.
        story = store.transition(
            story_id, Status.FAILED, dead_letter=entry, failure_reason=reason, error_type=error_type
        )
    except TransitionError:
        return  # already complete, failed or cancelled: nothing more to say
    store.publish(story_id, story.status, "failed", reason)
    STORIES_FINISHED.labels(
        status="failed", error_type=error_type, cause=str(failure_cause(error_type, cause))
    ).inc()
    log.warning(
        "story failed",
        extra={
            "story_id": story_id,
            "task_id": task_id,
            "error_type": error_type,
            "reason": reason,
        },
    )


def backoff_seconds(retries: int, cap: int) -> float:
    """Exponential backoff with full jitter."""
    from celery.utils.time import get_exponential_backoff_interval

    return float(get_exponential_backoff_interval(2, retries, cap, full_jitter=True))


def run_story_task(
    task: Any,
    story_id: str,
    *,
    accepts: frozenset[Status],
    body: Callable[[StoryRun], None],
    hand_off: bool = True,
) -> str:
    """Run `body` for one story under a lease; return what happened, for the task result.

    With `hand_off` false, the body's after-release actions (sending the next stage to its
    queue) are skipped: the caller runs the next stage itself.
    """
    context = log_context(story_id=story_id, task_id=str(task.request.id), task=task.name)
    with context, story_log.steps():
        try:
            return _run_story_task(task, story_id, accepts=accepts, body=body, hand_off=hand_off)
        finally:
            story_log.flush()
            archive_log_if_ended(story_id)


def archive_log_if_ended(story_id: str) -> None:
    """A story that has ended keeps a copy of its log beside its audio, for when Redis no
    longer has it. Best effort: the stream itself stays until the story expires."""
    store = worker_store()
    try:
        if not store.get(story_id).status.is_terminal:
            return
        lines = story_log.all_lines(store.redis, story_id)
        if lines:
            key = story_artifact(story_id, "log")
            worker_artifacts().put(key, story_log.as_jsonl(lines))
    except (StoryNotFoundError, *TRANSIENT_ERRORS):  # type: ignore[misc]
        log.debug("could not archive the story's log", exc_info=True)


def _run_story_task(
    task: Any,
    story_id: str,
    *,
    accepts: frozenset[Status],
    body: Callable[[StoryRun], None],
    hand_off: bool,
) -> str:
    settings = get_settings()
    store = worker_store()
    task_id = str(task.request.id)
    try:
        story = store.get(story_id)
    except StoryNotFoundError:
        log.warning("story not found; dropping message", extra={"story_id": story_id})
        return "missing"
    if story.status not in accepts:
        return f"skipped:{story.status}"
    if story.pause is not None and store.settle_pause(story_id):
        # Paused while its message waited: drop the message; resuming sends a new one.
        store.publish(story_id, story.status, "paused", "Paused before this stage began")
        return "paused"
    token = store.acquire_lease(story_id, settings.lease_ttl_seconds)
    if token is None:
        # Another worker holds it, or a killed one did and its lease has not expired yet.
        raise task.retry(countdown=settings.lease_ttl_seconds, max_retries=LEASE_WAIT_RETRIES)
    failure: tuple[str, str] | None = None
    cause: FailureCause | None = None
    retry_after: float | None = None
    error: BaseException | None = None
    run: StoryRun | None = None
    try:
        with LeaseKeeper(store, story_id, token, settings.lease_ttl_seconds) as lease:
            starts = store.begin_attempt(story_id, task.name, settings.progress_ttl_seconds)
            if starts > settings.max_deliveries:
                raise PermanentError(
                    f"{task.name} was started {starts - 1} times and its worker died each "
                    "time; it is not tried again",
                    ErrorType.POISON_PILL,
                )
            run = StoryRun(story, store, worker_artifacts(), settings, lease)
            try:
                body(run)
            finally:
                with contextlib.suppress(*TRANSIENT_ERRORS):
                    store.end_attempt(story_id, task.name)
    except CancelledError:
        return "cancelled"
    except PausedError:
        with contextlib.suppress(*TRANSIENT_ERRORS):
            status = store.get(story_id).status
            store.publish(story_id, status, "paused", f"Paused during {status}")
        return "paused"
    except LeaseLostError:
        return "lease-lost"
    except PermanentError as exc:
        failure = (exc.reason, exc.error_type)
        cause = exc.cause
    except SoftTimeLimitExceeded:
        failure = (f"{task.name} ran past its time limit", ErrorType.TIMEOUT)
    except TRANSIENT_ERRORS as exc:
        if task.request.retries < settings.task_max_retries:
            retry_after = backoff_seconds(task.request.retries, settings.retry_backoff_max_seconds)
            error = exc
            with contextlib.suppress(*TRANSIENT_ERRORS):  # Redis may be the thing that is down
                attempt = task.request.retries + 1
                store.publish(
                    story_id,
                    store.get(story_id).status,
                    "retrying",
                    f"Retrying ({attempt} of {settings.task_max_retries}) in "
                    f"{retry_after:.0f} s after: {exc}",
                )
        else:
            failure = (
                f"gave up after {task.request.retries} retries: {exc}",
                ErrorType.UNAVAILABLE,
            )
            cause = getattr(exc, "cause", None)
    except Exception as exc:
        # The exception's text can hold server paths or addresses: it goes to the log only.
        failure = (
            f"internal error ({type(exc).__name__}); the worker's log has the details",
            ErrorType.INTERNAL,
        )
        error = exc
        log.exception("task crashed", extra={"story_id": story_id, "task_id": task_id})
    if retry_after is not None:
        raise task.retry(exc=error, countdown=retry_after)
    if failure is not None:
        fail_story(
            store,
            story_id,
            failure[0],
            str(failure[1]),
            task=task.name,
            task_id=task_id,
            cause=cause,
        )
        if error is not None:
            raise error  # counted as a task failure by Celery and its monitoring
        return "failed"
    for action in run.released if run and hand_off else []:
        try:
            action()
        except TRANSIENT_ERRORS:
            # The story is saved at its new status; the janitor requeues it if it stays there.
            log.exception("hand-off after release failed", extra={"story_id": story_id})
    return "done"
