"""Acting on failed stories: retry one or all, keeping each story's id and history.

Shared by the gateway's admin routes and `codestory dlq`, so an operator gets the same
result from either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from celery import Celery
from redis.client import Pipeline

from codestory.core.domain import Status, Story
from codestory.core.settings import Settings
from codestory.records.keys import ACTIVE_SET, DLQ_MAX
from codestory.records.store import StoryStore
from codestory.runtime.dispatch import enqueue_stage


class NotRetryableError(Exception):
    """Only a failed story can be retried; anything else is still running or finished."""


@dataclass
class RetryReport:
    retried: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # story id -> why not


def resume_status(story: Story) -> Status:
    """Where a retry starts: with its script written, only the speaking is left to do."""
    return Status.SYNTHESIZING if "script" in story.artifacts else Status.QUEUED


def retry_story(store: StoryStore, app: Celery, settings: Settings, story_id: str) -> Story:
    """Put a failed story back in the pipeline at the first stage it has not finished."""

    def reopen(story: Story) -> None:
        if story.status is not Status.FAILED:
            raise NotRetryableError(f"story {story_id} is {story.status}, not failed")
        story.earlier_failures.append(
            {"at": story.updated_at, "error_type": story.error_type, "reason": story.failure_reason}
        )
        story.status = resume_status(story)
        story.failure_reason = None
        story.error_type = None
        story.requeues = 0
        story.retries += 1

    def reactivate(pipe: Pipeline) -> None:
        pipe.sadd(ACTIVE_SET, story_id)

    story = store.update(story_id, reopen, also=reactivate)
    store.reset_attempts(story_id)  # the poison-pill count starts over with the operator
    store.remove_dead_letters(story_id)
    store.publish(
        story_id,
        story.status,
        "retried",
        f"Retried by an operator (retry {story.retries}); resuming at {story.status}",
    )
    enqueue_stage(app, story_id, story.status, settings)
    return story


def retry_dead_letters(
    store: StoryStore, app: Celery, settings: Settings, *, error_type: str | None = None
) -> RetryReport:
    """Retry every story in the DLQ (of one error type, if given), each once."""
    report = RetryReport()
    seen: set[str] = set()
    for entry in store.dead_letters(DLQ_MAX, error_type=error_type):
        story_id = str(entry.get("story_id", ""))
        if not story_id or story_id in seen:
            continue
        seen.add(story_id)
        try:
            retry_story(store, app, settings, story_id)
        except NotRetryableError as exc:
            report.skipped[story_id] = str(exc)
            store.remove_dead_letters(story_id)  # it finished some other way: nothing to do
            continue
        except LookupError:
            report.skipped[story_id] = "the story has expired"
            store.remove_dead_letters(story_id)
            continue
        report.retried.append(story_id)
    return report
