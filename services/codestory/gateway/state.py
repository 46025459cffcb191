"""What the gateway holds for its lifetime: clients, stores, settings."""

from __future__ import annotations

from dataclasses import dataclass

import redis
import redis.asyncio as aioredis
from celery import Celery

from codestory.artifacts.backends import ArtifactStore
from codestory.core.settings import Settings
from codestory.gateway.breaker import RedisBreaker
from codestory.gateway.fallback import FallbackPool
from codestory.gateway.fanout import ProgressHub
from codestory.gateway.streams import StreamSlots
from codestory.records.quotas import SubmitQuotas
from codestory.records.store import StoryStore


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
    streams: StreamSlots  # open progress and log streams per client
    # Degraded mode only: the broker's own breaker, and the pool that runs stories meanwhile.
    broker_breaker: RedisBreaker | None = None
    fallback: FallbackPool | None = None
