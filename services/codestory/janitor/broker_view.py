"""What the broker holds for each story: messages waiting in a queue, and messages a worker
has taken but not acknowledged (kombu's Redis transport keeps those in the `unacked` hash,
with the delivery time in `unacked_index`, until the task ends or the visibility timeout).

Reading both is what lets the janitor tell a backlog or a reserved message from a lost one.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from codestory.core.queues import STORY_ID_HEADER
from codestory.janitor.decisions import Taken
from codestory.runtime.broker import unacked_messages


def parse_unacked(tag: str, raw: bytes | str, delivered_at: float) -> Taken | None:
    """One `unacked` entry, or None when it is not a story message we can read."""
    try:
        message, _exchange, queue = json.loads(raw)
        headers: dict[str, Any] = message.get("headers") or {}
    except (TypeError, ValueError, AttributeError):
        return None
    story_id, task_id = headers.get(STORY_ID_HEADER), headers.get("id")
    if not isinstance(story_id, str) or not isinstance(task_id, str):
        return None
    return Taken(tag, story_id, task_id, str(queue), delivered_at)


def taken_messages(client: redis.Redis) -> list[Taken]:
    found = []
    for tag, raw, delivered_at in unacked_messages(client):
        if (taken := parse_unacked(tag, raw, delivered_at)) is not None:
            found.append(taken)
    return found
