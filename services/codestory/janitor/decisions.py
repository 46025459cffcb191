"""What the janitor does about a story. Pure: facts in, a decision out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from codestory.core.domain import Pause, Story


class Action(StrEnum):
    LEAVE = "leave"
    REQUEUE = "requeue"  # publish a new message for the story's stage
    RESTORE = "restore"  # put the lost worker's own message back in its queue
    FAIL = "fail"


class MessageState(StrEnum):
    """Where the broker has the story's message, if anywhere."""

    NONE = "none"
    WAITING = "waiting"  # in a queue: a backlog, not a stuck story
    HELD = "held"  # taken by a live worker (reserved, rate-limited, scheduled or running)
    ORPHANED = "orphaned"  # taken by a worker that is gone; kombu would wait out visibility


@dataclass(frozen=True)
class Taken:
    """One message a worker took and has not acknowledged."""

    delivery_tag: str
    story_id: str
    task_id: str
    queue: str
    delivered_at: float


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str = ""


def holder_is_alive(taken: Taken, workers: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a live worker may still hold this message.

    A worker says what it holds on every heartbeat. Until each live worker that consumes the
    queue has reported once since the delivery, the taker may be one that has not yet said so.
    """
    for worker in workers:
        if taken.task_id in worker.get("held", ()):
            return True
        reported_since = float(worker.get("at", 0.0)) > taken.delivered_at
        if taken.queue in worker.get("queues", ()) and not reported_since:
            return True
    return False


def message_state(
    *, waiting: bool, taken: Iterable[Taken], workers: Iterable[Mapping[str, Any]]
) -> MessageState:
    if waiting:
        return MessageState.WAITING
    live = list(workers)
    taken = list(taken)
    if any(holder_is_alive(message, live) for message in taken):
        return MessageState.HELD
    return MessageState.ORPHANED if taken else MessageState.NONE


def judge_story(
    story: Story,
    *,
    now: float,
    last_activity: float,
    has_lease: bool,
    message: MessageState,
    stuck_after: float,
    max_requeues: int,
) -> Verdict:
    """A story is stuck when nobody holds it or its message, and nothing has happened for
    `stuck_after` seconds. It is recovered up to `max_requeues` times, then failed."""
    someone_has_it = has_lease or message in (MessageState.WAITING, MessageState.HELD)
    # A paused story holds nothing on purpose; only a pause no worker acted on can be stuck.
    if story.status.is_terminal or someone_has_it or story.pause is Pause.PAUSED:
        return Verdict(Action.LEAVE)
    idle = now - last_activity
    if idle < stuck_after:
        return Verdict(Action.LEAVE)
    if story.requeues < max_requeues:
        if message is MessageState.ORPHANED:
            return Verdict(
                Action.RESTORE,
                f"its message was taken by a worker that is gone; idle in {story.status} "
                f"for {idle:.0f} s",
            )
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
