"""What codestory knows of Celery's Redis transport (kombu): where waiting messages sit (a list
per queue), where taken ones wait for their acknowledgement, and how to read their headers.
Every module that looks into the broker reads it through here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import redis
from kombu.connection import Connection

from codestory.core.queues import STORY_ID_HEADER

UNACKED_INDEX_KEY = "unacked_index"  # delivery tag -> the time it was taken
UNACKED_KEY = "unacked"  # kombu's Redis transport: delivery tag -> [message, exchange, queue]


def in_flight_by_queue(client: redis.Redis) -> dict[str, int]:
    """Messages taken by a worker and not yet acknowledged, per queue (acks_late: running)."""
    counts: dict[str, int] = {}
    for raw in client.hvals(UNACKED_KEY):
        try:
            _message, _exchange, queue = json.loads(raw)
        except (TypeError, ValueError):
            continue
        counts[str(queue)] = counts.get(str(queue), 0) + 1
    return counts


def iter_queue_headers(
    client: redis.Redis, queue: str, limit: int = 10_000
) -> Iterator[dict[str, Any]]:
    """Headers of messages waiting in a Celery queue on the Redis transport (a list)."""
    for raw in client.lrange(queue, 0, limit - 1):
        try:
            message = json.loads(raw)
        except (TypeError, ValueError):
            continue
        headers = message.get("headers")
        if isinstance(headers, dict):
            yield headers


def waiting_story_ids(client: redis.Redis, queues: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for queue in queues:
        for headers in iter_queue_headers(client, queue):
            story_id = headers.get(STORY_ID_HEADER)
            if isinstance(story_id, str):
                found.add(story_id)
    return found


def unacked_messages(client: redis.Redis) -> Iterator[tuple[str, bytes | str, float]]:
    """Each message taken and not yet acknowledged: its delivery tag, its raw entry
    (`[message, exchange, queue]`) and when it was taken. A message with no index entry is
    being acknowledged or restored right now, and is left out."""
    scored: list[tuple[bytes | str, float]] = client.zrange(  # type: ignore[assignment]
        UNACKED_INDEX_KEY, 0, -1, withscores=True
    )
    delivered = {_text(tag): float(score) for tag, score in scored}
    for tag, raw in client.hgetall(UNACKED_KEY).items():
        key = _text(tag)
        if key in delivered:
            yield key, raw, delivered[key]


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
