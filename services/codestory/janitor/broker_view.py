"""What the broker holds for each story: messages waiting in a queue, and messages a worker
has taken but not acknowledged (kombu's Redis transport keeps those in the `unacked` hash,
with the delivery time in `unacked_index`, until the task ends or the visibility timeout).

Reading both is what lets the janitor tell a backlog or a reserved message from a lost one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import redis
from kombu.connection import Connection

from codestory.core.queues import STORY_ID_HEADER
from codestory.janitor.decisions import Taken
from codestory.records.store import UNACKED_KEY, iter_queue_headers

UNACKED_INDEX_KEY = "unacked_index"


def waiting_story_ids(client: redis.Redis, queues: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for queue in queues:
        for headers in iter_queue_headers(client, queue):
            story_id = headers.get(STORY_ID_HEADER)
            if isinstance(story_id, str):
                found.add(story_id)
    return found


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
    scored: list[tuple[bytes | str, float]] = client.zrange(  # type: ignore[assignment]
        UNACKED_INDEX_KEY, 0, -1, withscores=True
    )
    delivered = {_text(tag): float(score) for tag, score in scored}
    found = []
    for tag, raw in client.hgetall(UNACKED_KEY).items():
        key = _text(tag)
        # A message with no index entry is being acknowledged or restored right now.
        if key in delivered and (taken := parse_unacked(key, raw, delivered[key])) is not None:
            found.append(taken)
    return found


def restore_message(broker_url: str, delivery_tag: str, transport_options: dict[str, Any]) -> None:
    """Put a taken message back at the head of its queue, marked redelivered.

    kombu's own restore (the one a worker uses when it rejects a message) runs in one
    transaction, so a message is never both restored and left in `unacked`, nor lost.
    """
    with Connection(  # type: ignore[no-untyped-call]
        broker_url, transport_options=transport_options
    ) as connection:
        connection.default_channel.qos.restore_by_tag(delivery_tag, leftmost=True)


def drop_message(client: redis.Redis, delivery_tag: str) -> None:
    """Forget a taken message whose story has been failed, so it is never redelivered."""
    with client.pipeline(transaction=True) as pipe:
        pipe.zrem(UNACKED_INDEX_KEY, delivery_tag)
        pipe.hdel(UNACKED_KEY, delivery_tag)
        pipe.execute()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
