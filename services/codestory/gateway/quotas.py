"""Per-client limits on submissions, checked before anything is recorded.

A client is its API key, or without one its address (hashed: no raw address is kept). Each
may submit `submit_rate_per_minute` stories a minute and have `max_active_per_client`
unfinished at once; the whole service takes `submit_rate_per_minute_total` a minute from
all clients together (counted in Redis, so across every gateway) and no more while
`max_queued_stories` wait.
Refusals are 429 (this client) or 503 (everyone) with `Retry-After`. The admin is exempt.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import redis

from codestory.store import ACTIVE_SET

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Refusal:
    status: int
    detail: str
    retry_after: int


def client_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def _rate_key(client: str, window: int) -> str:
    return f"codestory:client:{client}:rate:{window}"


GLOBAL = "all-clients"  # the counter every submission also goes to


def _active_key(client: str) -> str:
    return f"codestory:client:{client}:active"


class SubmitQuotas:
    def __init__(
        self,
        records: redis.Redis,
        broker: redis.Redis,
        *,
        rate_per_minute: int,
        rate_per_minute_total: int = 0,
        max_active: int,
        max_queued: int,
        queue: str,
    ) -> None:
        self.records = records
        self.broker = broker
        self.rate_per_minute = rate_per_minute
        self.rate_per_minute_total = rate_per_minute_total
        self.max_active = max_active
        self.max_queued = max_queued
        self.queue = queue

    def check(self, client: str, now: float, *, broker_up: bool = True) -> Refusal | None:
        """Count this submission against the client's minute; refuse it if over a limit."""
        window = int(now // WINDOW_SECONDS)
        wait = math.ceil((window + 1) * WINDOW_SECONDS - now)
        if self._count(_rate_key(client, window)) > self.rate_per_minute:
            return Refusal(
                429,
                f"at most {self.rate_per_minute} stories a minute from one client; "
                f"try again in {wait} s",
                max(wait, 1),
            )
        # Counted only once the client is within its own rate: one client's refused flood
        # must not use up everyone's minute.
        total = self._count(_rate_key(GLOBAL, window)) if self.rate_per_minute_total else 0
        if total > self.rate_per_minute_total:
            return Refusal(
                503,
                f"the service takes at most {self.rate_per_minute_total} stories a minute; "
                f"try again in {wait} s",
                max(wait, 1),
            )
        if self.active(client) >= self.max_active:
            return Refusal(
                429,
                f"at most {self.max_active} unfinished stories per client; wait for one to finish",
                30,
            )
        if broker_up and int(self.broker.llen(self.queue)) >= self.max_queued:
            return Refusal(
                503, f"{self.max_queued} stories are waiting already; try again shortly", 30
            )
        return None

    def _count(self, key: str) -> int:
        with self.records.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            return int(pipe.execute()[0])

    def active(self, client: str) -> int:
        """The client's stories still unfinished (finished ones are dropped as they are seen)."""
        key = _active_key(client)
        mine = [
            m.decode() if isinstance(m, bytes) else str(m) for m in self.records.zrange(key, 0, -1)
        ]
        if not mine:
            return 0
        still = self.records.smismember(ACTIVE_SET, mine)
        done = [story for story, alive in zip(mine, still, strict=True) if not alive]
        if done:
            self.records.zrem(key, *done)
        return len(mine) - len(done)

    def admit(self, client: str, story_id: str, now: float) -> None:
        key = _active_key(client)
        with self.records.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {story_id: now})
            pipe.expire(key, 7 * 24 * 3600)
            pipe.execute()
