from __future__ import annotations

import pytest

from codestory.core.domain import Status, Story, StoryRequest
from codestory.janitor.decisions import (
    Action,
    MessageState,
    Taken,
    is_expired,
    judge_story,
    message_state,
)


def story(status: Status, requeues: int = 0, updated: float = 0.0) -> Story:
    s = Story.new(StoryRequest(repository_url="https://github.com/a/b"), now=updated)
    return s.model_copy(update={"status": status, "requeues": requeues})


def judge(s: Story, **overrides: object) -> Action:
    options: dict[str, object] = {
        "now": 1000.0,
        "last_activity": 0.0,
        "has_lease": False,
        "message": MessageState.NONE,
        "stuck_after": 300.0,
        "max_requeues": 3,
    }
    options.update(overrides)
    return judge_story(s, **options).action  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "status", [Status.QUEUED, Status.ANALYZING, Status.GENERATING, Status.SYNTHESIZING]
)
def test_idle_unowned_story_is_requeued_up_to_the_budget_then_failed(status: Status) -> None:
    for requeues in range(3):
        assert judge(story(status, requeues=requeues)) is Action.REQUEUE
    assert judge(story(status, requeues=3)) is Action.FAIL
    assert judge(story(status), max_requeues=0) is Action.FAIL


def test_a_message_a_dead_worker_took_is_restored_not_duplicated() -> None:
    s = story(Status.QUEUED)
    assert judge(s, message=MessageState.ORPHANED) is Action.RESTORE
    assert judge(story(Status.QUEUED, requeues=3), message=MessageState.ORPHANED) is Action.FAIL


def test_live_or_waiting_or_recent_stories_are_left_alone() -> None:
    s = story(Status.ANALYZING)
    assert judge(s, has_lease=True) is Action.LEAVE
    assert judge(s, message=MessageState.WAITING) is Action.LEAVE
    assert judge(s, message=MessageState.HELD) is Action.LEAVE
    assert judge(s, last_activity=900.0) is Action.LEAVE
    assert judge(story(Status.COMPLETE)) is Action.LEAVE


def test_failure_reason_is_readable() -> None:
    verdict = judge_story(
        story(Status.GENERATING, requeues=1),
        now=1000,
        last_activity=400,
        has_lease=False,
        message=MessageState.NONE,
        stuck_after=300,
        max_requeues=1,
    )
    assert (
        verdict.reason
        == "stuck in generating with no live worker for 600 s, even after 1 requeue(s)"
    )


def test_only_old_finished_stories_expire() -> None:
    assert is_expired(story(Status.COMPLETE, updated=0), now=100, retention_seconds=50)
    assert not is_expired(story(Status.COMPLETE, updated=80), now=100, retention_seconds=50)
    assert not is_expired(story(Status.ANALYZING, updated=0), now=100, retention_seconds=50)


TAKEN = Taken("tag", "s1", "task-1", "stories", delivered_at=100.0)


def worker(queues: list[str], at: float, held: list[str] | None = None) -> dict[str, object]:
    return {"queues": queues, "at": at, "held": held or []}


def test_a_message_is_held_while_its_worker_reports_it() -> None:
    holder = worker(["stories"], at=200.0, held=["task-1"])
    assert message_state(waiting=False, taken=[TAKEN], workers=[holder]) is MessageState.HELD


def test_a_worker_that_has_not_reported_since_the_delivery_may_hold_it() -> None:
    quiet = worker(["stories"], at=99.0)
    assert message_state(waiting=False, taken=[TAKEN], workers=[quiet]) is MessageState.HELD


def test_a_message_no_live_worker_holds_is_orphaned() -> None:
    others = [worker(["stories"], at=200.0, held=["task-2"]), worker(["audio"], at=50.0)]
    assert message_state(waiting=False, taken=[TAKEN], workers=others) is MessageState.ORPHANED
    assert message_state(waiting=False, taken=[TAKEN], workers=[]) is MessageState.ORPHANED


def test_waiting_wins_and_no_message_is_none() -> None:
    assert message_state(waiting=True, taken=[TAKEN], workers=[]) is MessageState.WAITING
    assert message_state(waiting=False, taken=[], workers=[]) is MessageState.NONE
