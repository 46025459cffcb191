"""One object over all of a story's records, for the services: each concern lives in its own
module (keys and scripts, stories, progress, leases, deliveries, dead letters, registries,
watches)."""

from __future__ import annotations

from codestory.records.base import make_client
from codestory.records.dead_letters import DeadLetters
from codestory.records.deliveries import DeliveryAttempts
from codestory.records.leases import LeaseKeeper, Leases
from codestory.records.progress import ProgressLog
from codestory.records.registries import Registries
from codestory.records.stories import IdempotencyConflictError, StoryNotFoundError, StoryRecords
from codestory.records.watches import Watches

__all__ = [
    "IdempotencyConflictError",
    "LeaseKeeper",
    "StoryNotFoundError",
    "StoryStore",
    "make_client",
]


class StoryStore(
    StoryRecords, ProgressLog, Leases, DeliveryAttempts, DeadLetters, Registries, Watches
):
    """All story state in Redis. Thread-safe: redis-py pools connections."""
