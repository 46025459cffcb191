"""A story task hands the story on only after it has let go of the story's lease."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from codestory.core.domain import Status, Story, StoryRequest
from codestory.runtime import task_runtime
from codestory.runtime.task_runtime import StoryRun, run_story_task

pytestmark = pytest.mark.integration


def celery_task() -> SimpleNamespace:
    """What run_story_task reads of a bound Celery task: its name and request."""
    return SimpleNamespace(
        name="codestory.story.generate", request=SimpleNamespace(id="t1", retries=0)
    )


def test_next_stage_is_enqueued_after_the_lease_is_released(worker_env: None) -> None:
    store = task_runtime.worker_store()
    story = Story.new(StoryRequest(repository_url="https://github.com/a/b"))
    store.create(story)
    seen: dict[str, object] = {}

    def body(run: StoryRun) -> None:
        run.advance(Status.ANALYZING)
        run.after_release(lambda: seen.update(leased=store.has_lease(story.id)))
        seen["leased_in_body"] = store.has_lease(story.id)

    assert run_story_task(celery_task(), story.id, accepts=frozenset({Status.QUEUED}), body=body)
    assert seen == {"leased_in_body": True, "leased": False}


def test_nothing_is_handed_on_when_the_body_fails(worker_env: None) -> None:
    store = task_runtime.worker_store()
    story = Story.new(StoryRequest(repository_url="https://github.com/a/b"))
    store.create(story)
    handed: list[bool] = []

    def body(run: StoryRun) -> None:
        run.after_release(lambda: handed.append(True))
        raise task_runtime.PermanentError("bad input", "invalid_repository")

    result = run_story_task(celery_task(), story.id, accepts=frozenset({Status.QUEUED}), body=body)
    assert result == "failed" and not handed
    assert store.get(story.id).status is Status.FAILED
