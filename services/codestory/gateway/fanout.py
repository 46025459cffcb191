"""One Redis pub/sub connection per gateway, fanned out to every progress subscriber.

A connection per SSE client would let a few hundred followers exhaust the Redis pool and
make everyone else see a false outage. Here the gateway subscribes once per story that has
followers, a reader task hands each message to the followers' queues, and the channel is
dropped when its last follower leaves. A follower that falls behind (its queue full) is
marked lagging and catches up from the story's stored progress log instead.

Each message is parsed once and its encodings made once, however many follow it: at a
few thousand followers, per-follower JSON work was most of the delivery time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

import redis
import redis.asyncio as aioredis
from pydantic import ValidationError
from sse_starlette.event import ServerSentEvent

from codestory.core.domain import ProgressEvent

log = logging.getLogger("codestory.gateway.fanout")

QUEUE_SIZE = 256  # a story publishes a few dozen events; more than this is a stuck reader
RECONNECT_SECONDS = 0.5


class Delivery:
    """One progress event as every follower needs it, encoded at most once."""

    __slots__ = ("_frame", "_json", "event")

    def __init__(self, event: ProgressEvent) -> None:
        self.event = event
        self._json: str | None = None
        self._frame: bytes | None = None

    @property
    def json(self) -> str:
        if self._json is None:
            self._json = self.event.model_dump_json()
        return self._json

    @property
    def sse_frame(self) -> bytes:
        if self._frame is None:
            self._frame = ServerSentEvent(
                data=self.json, event="progress", id=str(self.event.seq)
            ).encode()
        return self._frame


class Follower:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.lagging = False  # messages were dropped: re-read the stored log


class ProgressHub:
    def __init__(self, client: aioredis.Redis) -> None:
        self._client = client
        self._pubsub: aioredis.client.PubSub | None = None
        self._followers: dict[str, set[Follower]] = defaultdict(set)
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._stale = False  # the connection was lost: subscribe again before reading

    @property
    def channels(self) -> int:
        return len(self._followers)

    @contextlib.asynccontextmanager
    async def follow(self, channel: str) -> AsyncIterator[Follower]:
        """Subscribed (the command is sent) before this yields, until the block ends."""
        follower = Follower()
        async with self._lock:
            pubsub = self._ensure_pubsub()
            first = channel not in self._followers
            self._followers[channel].add(follower)
            try:
                if first:
                    await pubsub.subscribe(channel)
            except BaseException:
                self._drop(channel, follower)
                raise
            self._ensure_reader()
        try:
            yield follower
        finally:
            async with self._lock:
                if self._drop(channel, follower) and self._pubsub is not None:
                    with contextlib.suppress(redis.RedisError):
                        await self._pubsub.unsubscribe(channel)

    def _drop(self, channel: str, follower: Follower) -> bool:
        """Forget the follower; True when the channel has none left."""
        followers = self._followers.get(channel)
        if followers is None:
            return False
        followers.discard(follower)
        if followers:
            return False
        del self._followers[channel]
        return True

    def _ensure_pubsub(self) -> aioredis.client.PubSub:
        if self._pubsub is None:
            self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        return self._pubsub

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="progress-fanout")

    async def _read(self) -> None:
        while self._followers:
            if self._stale and not await self._resubscribe():
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            pubsub = self._ensure_pubsub()
            try:
                message = await pubsub.get_message(timeout=1.0)
            except (redis.RedisError, OSError) as exc:
                log.warning("progress fan-out lost Redis; subscribing again: %s", exc)
                await self._lose_connection()
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            name = channel.decode() if isinstance(channel, bytes) else str(channel)
            followers = self._followers.get(name)
            if not followers:
                continue
            try:
                delivery = Delivery(ProgressEvent.model_validate_json(message["data"]))
            except ValidationError as exc:
                log.warning("ignored a malformed progress message on %s: %s", name, exc)
                continue
            for follower in list(followers):
                try:
                    follower.queue.put_nowait(delivery)
                except asyncio.QueueFull:
                    follower.lagging = True
        # No followers left: the reader ends; the next follower starts a new one.

    async def _lose_connection(self) -> None:
        """Drop the connection; every follower may have missed messages, so each re-reads
        the stored log, and the channels are subscribed again on a new connection."""
        async with self._lock:
            old, self._pubsub = self._pubsub, None
            self._stale = True
            for followers in self._followers.values():
                for follower in followers:
                    follower.lagging = True
        if old is not None:
            with contextlib.suppress(Exception):
                await old.aclose()  # type: ignore[no-untyped-call, unused-ignore]

    async def _resubscribe(self) -> bool:
        async with self._lock:
            if not self._followers:
                return True
            try:
                await self._ensure_pubsub().subscribe(*self._followers)
            except (redis.RedisError, OSError):
                old, self._pubsub = self._pubsub, None
                if old is not None:
                    with contextlib.suppress(Exception):
                        await old.aclose()  # type: ignore[no-untyped-call, unused-ignore]
                return False
            self._stale = False
            return True

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]
