"""What the gateway holds for its lifetime: clients, stores, settings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import redis
import redis.asyncio as aioredis
from celery import Celery

from codestory.artifacts import ArtifactStore
from codestory.gateway.breaker import RedisBreaker
from codestory.gateway.fallback import FallbackPool
from codestory.gateway.fanout import ProgressHub
from codestory.gateway.quotas import SubmitQuotas
from codestory.settings import Settings
from codestory.store import StoryStore


@dataclass
class GatewayState:
    settings: Settings
    store: StoryStore
    broker: redis.Redis
    events: aioredis.Redis
    artifacts: ArtifactStore
    celery: Celery
    quotas: SubmitQuotas
    hub: ProgressHub  # one pub/sub connection, fanned out to every progress follower
    breaker: RedisBreaker  # the record store (and, without a fallback, the broker too)
    # Degraded mode only: the broker's own breaker, and the pool that runs stories meanwhile.
    broker_breaker: RedisBreaker | None = None
    fallback: FallbackPool | None = None
    streams: Counter[str] = field(default_factory=Counter)  # open progress streams per client
