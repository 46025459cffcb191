"""Watched repositories in Redis: added under their client's cap, listed by owner, paused,
resumed, deleted, and claimed by the janitor when due (one janitor per watch and check)."""

from __future__ import annotations

from collections.abc import Callable

from redis.client import Pipeline

from codestory.core.watches import Watch
from codestory.records.base import RecordsBase
from codestory.records.keys import (
    WATCH_INTERVALS,
    WATCHES_DUE,
    WATCHES_INDEX,
    watch_key,
    watches_of_client,
    watches_of_owner,
)


class WatchNotFoundError(LookupError):
    pass


class Watches(RecordsBase):
    def add_watch(self, watch: Watch, *, cap: int) -> bool:
        """Keep `watch` unless its client already has `cap`; say whether it was kept."""
        owner_index = watches_of_owner(watch.owner) if watch.owner else watches_of_client("-")
        kept = self._add_watch(
            keys=[
                watches_of_client(watch.client),
                watch_key(watch.id),
                WATCHES_INDEX,
                WATCHES_DUE,
                WATCH_INTERVALS,
                owner_index,
            ],
            args=[
                cap,
                watch.id,
                watch.created_at,
                watch.model_dump_json(),
                watch.next_check_at,
                "1" if watch.owner else "0",
                watch.interval_seconds,
            ],
        )
        return bool(kept)

    def get_watch(self, watch_id: str) -> Watch:
        raw = self.redis.get(watch_key(watch_id))
        if raw is None:
            raise WatchNotFoundError(watch_id)
        return Watch.model_validate_json(raw)

    def watches(self, *, owner: str | None = None, limit: int = 100) -> list[Watch]:
        """Newest first: an API key's own, or (None) every watch."""
        index = WATCHES_INDEX if owner is None else watches_of_owner(owner)
        ids = [str(i) for i in self.redis.zrevrange(index, 0, limit - 1)]
        raws = self.redis.mget([watch_key(i) for i in ids]) if ids else []
        return [Watch.model_validate_json(r) for r in raws if r is not None]

    def update_watch(
        self,
        watch_id: str,
        mutate: Callable[[Watch], None],
        *,
        also: Callable[[Pipeline, Watch], None] | None = None,
    ) -> Watch:
        """Apply `mutate` atomically (optimistic WATCH/MULTI, retried on contention)."""
        key = watch_key(watch_id)
        result: list[Watch] = []

        def attempt(pipe: Pipeline) -> None:
            raw = pipe.get(key)
            if raw is None:
                raise WatchNotFoundError(watch_id)
            watch = Watch.model_validate_json(raw)
            mutate(watch)
            pipe.multi()
            pipe.set(key, watch.model_dump_json())
            if also is not None:
                also(pipe, watch)
            result.append(watch)

        self.redis.transaction(attempt, key)
        return result[-1]

    def pause_watch(self, watch_id: str, paused: bool, *, now: float) -> Watch:
        """Pause a watch, or resume it with its next check one interval from now."""

        def mutate(watch: Watch) -> None:
            watch.paused = paused
            if not paused:
                watch.next_check_at = now + watch.interval_seconds

        def schedule(pipe: Pipeline, watch: Watch) -> None:
            if paused:
                pipe.zrem(WATCHES_DUE, watch.id)
            else:
                pipe.zadd(WATCHES_DUE, {watch.id: watch.next_check_at})

        return self.update_watch(watch_id, mutate, also=schedule)

    def check_soon(self, watch_id: str, *, now: float) -> Watch:
        """Make a watch due now: the janitor's next scan checks it (paused or not, asked)."""

        def mutate(watch: Watch) -> None:
            watch.paused = False
            watch.next_check_at = now

        def schedule(pipe: Pipeline, watch: Watch) -> None:
            pipe.zadd(WATCHES_DUE, {watch.id: now})

        return self.update_watch(watch_id, mutate, also=schedule)

    def delete_watch(self, watch_id: str) -> None:
        watch = self.get_watch(watch_id)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(watch_key(watch_id))
            pipe.zrem(WATCHES_INDEX, watch_id)
            pipe.zrem(WATCHES_DUE, watch_id)
            pipe.hdel(WATCH_INTERVALS, watch_id)
            pipe.zrem(watches_of_client(watch.client), watch_id)
            if watch.owner:
                pipe.zrem(watches_of_owner(watch.owner), watch_id)
            pipe.execute()

    def claim_due_watches(self, now: float, limit: int = 100) -> list[str]:
        """The ids of watches due by `now`, each moved on to its next check in one step."""
        due = self._claim_due_watches(keys=[WATCHES_DUE, WATCH_INTERVALS], args=[now, limit])
        return [str(i) for i in due]
