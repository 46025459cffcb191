from __future__ import annotations

import pytest

from codestory.domain import Status, Story, StoryRequest
from codestory.janitor.decisions import Action, is_expired, judge_story


def story(status: Status, requeues: int = 0, updated: float = 0.0) -> Story:
    s = Story.new(StoryRequest(repository_url="https://github.com/a/b"), now=updated)
    return s.model_copy(update={"status": status, "requeues": requeues})


def judge(s: Story, **overrides: object) -> Action:
    options: dict[str, object] = {
        "now": 1000.0,
        "last_activity": 0.0,
        "has_lease": False,
        "waiting_in_queue": False,
        "stuck_after": 300.0,
    }
    options.update(overrides)
    return judge_story(s, **options).action  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "status", [Status.QUEUED, Status.ANALYZING, Status.GENERATING, Status.SYNTHESIZING]
)
def test_idle_unowned_story_is_requeued_once_then_failed(status: Status) -> None:
    assert judge(story(status)) is Action.REQUEUE
    assert judge(story(status, requeues=1)) is Action.FAIL


def test_live_or_waiting_or_recent_stories_are_left_alone() -> None:
    s = story(Status.ANALYZING)
    assert judge(s, has_lease=True) is Action.LEAVE
    assert judge(s, waiting_in_queue=True) is Action.LEAVE
    assert judge(s, last_activity=900.0) is Action.LEAVE
    assert judge(story(Status.COMPLETE)) is Action.LEAVE


def test_failure_reason_is_readable() -> None:
    verdict = judge_story(
        story(Status.GENERATING, requeues=1),
        now=1000,
        last_activity=400,
        has_lease=False,
        waiting_in_queue=False,
        stuck_after=300,
    )
    assert (
        verdict.reason
        == "stuck in generating with no live worker for 600 s, even after 1 requeue(s)"
    )


def test_only_old_finished_stories_expire() -> None:
    assert is_expired(story(Status.COMPLETE, updated=0), now=100, retention_seconds=50)
    assert not is_expired(story(Status.COMPLETE, updated=80), now=100, retention_seconds=50)
    assert not is_expired(story(Status.ANALYZING, updated=0), now=100, retention_seconds=50)
