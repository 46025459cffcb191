"""Leases: which worker holds a story, renewed while it works, released when it is done."""

from __future__ import annotations

import contextlib
import secrets
import threading

import redis

from codestory.records.base import RecordsBase
from codestory.records.keys import lease_key


class Leases(RecordsBase):
    def acquire_lease(self, story_id: str, ttl: int) -> str | None:
        token = secrets.token_hex(8)
        return token if self.redis.set(lease_key(story_id), token, nx=True, ex=ttl) else None

    def renew_lease(self, story_id: str, token: str, ttl: int) -> bool:
        return bool(self._renew(keys=[lease_key(story_id)], args=[token, ttl]))

    def release_lease(self, story_id: str, token: str) -> None:
        self._release(keys=[lease_key(story_id)], args=[token])

    def has_lease(self, story_id: str) -> bool:
        return bool(self.redis.exists(lease_key(story_id)))


class LeaseKeeper:
    """Holds a story's lease while a task works, renewing it from a daemon thread.

    If the lease is lost (Redis was unreachable past the TTL and another worker took the
    story), `lost` is set and the task stops at its next checkpoint instead of racing.
    """

    def __init__(self, store: Leases, story_id: str, token: str, ttl: int) -> None:
        self.store, self.story_id, self.token, self.ttl = store, story_id, token, ttl
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{story_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        with contextlib.suppress(redis.RedisError):  # if Redis is away, the lease expires
            self.store.release_lease(self.story_id, self.token)

    def _run(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if not self.store.renew_lease(self.story_id, self.token, self.ttl):
                    self.lost.set()
                    return
            except redis.RedisError:
                continue  # a blip; the TTL leaves room for a few misses
