"""What the janitor does about a story. Pure: facts in, a decision out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from codestory.domain import Story

MAX_REQUEUES = 1


class Action(StrEnum):
    LEAVE = "leave"
    REQUEUE = "requeue"
    FAIL = "fail"


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str = ""


def judge_story(
    story: Story,
    *,
    now: float,
    last_activity: float,
    has_lease: bool,
    waiting_in_queue: bool,
    stuck_after: float,
) -> Verdict:
    """A story is stuck when nobody holds it, no message for it waits, and nothing has
    happened for `stuck_after` seconds. It is requeued once, then failed."""
    if story.status.is_terminal or has_lease or waiting_in_queue:
        return Verdict(Action.LEAVE)
    idle = now - last_activity
    if idle < stuck_after:
        return Verdict(Action.LEAVE)
    if story.requeues < MAX_REQUEUES:
        return Verdict(
            Action.REQUEUE, f"idle in {story.status} for {idle:.0f} s with no live worker"
        )
    return Verdict(
        Action.FAIL,
        f"stuck in {story.status} with no live worker for {idle:.0f} s, "
        f"even after {story.requeues} requeue(s)",
    )


def is_expired(story: Story, *, now: float, retention_seconds: float) -> bool:
    return story.status.is_terminal and now - story.updated_at > retention_seconds
