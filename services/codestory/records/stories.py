"""Story records: create (with an idempotency key), read, page, update in one transaction,
move forward, pause and resume, delete with everything kept about the story."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from redis.client import Pipeline

from codestory.core.domain import Pause, Status, Story, TransitionError, can_transition
from codestory.records.base import RecordsBase
from codestory.records.dead_letters import queue_dead_letter
from codestory.records.keys import (
    ACTIVE_SET,
    STORIES_INDEX,
    attempts_key,
    idempotency_key,
    lease_key,
    owner_index,
    progress_key,
    progress_log_key,
    progress_seq_key,
    story_key,
)
from codestory.records.story_log import story_log_key


class StoryNotFoundError(LookupError):
    pass


class IdempotencyConflictError(Exception):
    """An Idempotency-Key reused with a different request body."""


class StoryRecords(RecordsBase):
    def create(
        self,
        story: Story,
        *,
        idempotency: str | None = None,
        fingerprint: str = "",
        idempotency_ttl: int = 86400,
    ) -> tuple[Story, bool]:
        """Save a new story; with an idempotency key, return the earlier story instead.

        Returns the story and whether it was created now.
        """
        if idempotency:
            claim = json.dumps({"story_id": story.id, "fingerprint": fingerprint})
            won = self.redis.set(idempotency_key(idempotency), claim, nx=True, ex=idempotency_ttl)
            if not won:
                earlier = json.loads(self.redis.get(idempotency_key(idempotency)) or "{}")
                if earlier.get("fingerprint") != fingerprint:
                    raise IdempotencyConflictError(idempotency)
                return self.get(earlier["story_id"]), False
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(story_key(story.id), story.model_dump_json())
            pipe.zadd(STORIES_INDEX, {story.id: story.created_at})
            if story.owner is not None:
                pipe.zadd(owner_index(story.owner), {story.id: story.created_at})
            pipe.sadd(ACTIVE_SET, story.id)
            pipe.execute()
        return story, True

    def get(self, story_id: str) -> Story:
        raw = self.redis.get(story_key(story_id))
        if raw is None:
            raise StoryNotFoundError(story_id)
        return Story.model_validate_json(raw)

    def exists(self, story_id: str) -> bool:
        return bool(self.redis.exists(story_key(story_id)))

    def page(
        self, *, offset: int = 0, limit: int = 20, owner: str | None = None
    ) -> tuple[list[Story], int]:
        """Newest first; with `owner`, only the stories that API key submitted."""
        index = STORIES_INDEX if owner is None else owner_index(owner)
        total = int(self.redis.zcard(index))
        ids = [str(i) for i in self.redis.zrevrange(index, offset, offset + limit - 1)]
        raws = self.redis.mget([story_key(i) for i in ids]) if ids else []
        return [Story.model_validate_json(r) for r in raws if r is not None], total

    def ids_older_than(self, cutoff: float, *, limit: int = 1000) -> list[str]:
        found = self.redis.zrangebyscore(STORIES_INDEX, "-inf", cutoff, start=0, num=limit)
        return [str(i) for i in found]

    def update(
        self,
        story_id: str,
        mutate: Callable[[Story], None],
        *,
        also: Callable[[Pipeline], None] | None = None,
    ) -> Story:
        """Apply `mutate` atomically (optimistic WATCH/MULTI, retried on contention).

        `also` queues further writes into the same transaction.
        """
        key = story_key(story_id)
        result: list[Story] = []

        def attempt(pipe: Pipeline) -> None:
            raw = pipe.get(key)
            if raw is None:
                raise StoryNotFoundError(story_id)
            story = Story.model_validate_json(raw)
            mutate(story)
            story.updated_at = time.time()
            pipe.multi()
            pipe.set(key, story.model_dump_json())
            if also is not None:
                also(pipe)
            result.append(story)

        self.redis.transaction(attempt, key)
        return result[-1]

    def transition(
        self,
        story_id: str,
        target: Status,
        *,
        dead_letter: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Story:
        """Move a story forward; raises TransitionError if that would go backwards.

        Leaving the active set and writing a dead letter happen in the same transaction,
        so whoever sees the new status also finds them.
        """

        def mutate(story: Story) -> None:
            if not can_transition(story.status, target):
                raise TransitionError(f"{story.status} -> {target}")
            story.status = target
            for name, value in fields.items():
                setattr(story, name, value)

        def also(pipe: Pipeline) -> None:
            if target.is_terminal:
                pipe.srem(ACTIVE_SET, story_id)
            if dead_letter is not None:
                queue_dead_letter(pipe, dead_letter)

        return self.update(story_id, mutate, also=also)

    # --- pause and resume ---------------------------------------------------------------
    def request_pause(self, story_id: str) -> Story:
        def mutate(story: Story) -> None:
            if story.status.is_terminal:
                raise TransitionError(f"the story is already {story.status}")
            if story.pause is None:
                story.pause = Pause.REQUESTED

        return self.update(story_id, mutate)

    def settle_pause(self, story_id: str) -> bool:
        """A worker at a checkpoint: if a pause was asked for, mark it taken and say so.

        One transaction, so a resume that lands meanwhile either cancels the request
        (the worker carries on) or finds the story paused (and sends it back to a queue).
        """
        settled: list[bool] = []

        def mutate(story: Story) -> None:
            settled.clear()
            settled.append(story.pause is not None and not story.status.is_terminal)
            if settled[0]:
                story.pause = Pause.PAUSED

        self.update(story_id, mutate)
        return settled[0]

    def resume(self, story_id: str) -> tuple[Story, bool]:
        """Clear a pause; return the story and whether it must be queued again (a worker had
        already let it go), as opposed to a request no worker had acted on yet."""
        was: list[Pause | None] = []

        def mutate(story: Story) -> None:
            if story.pause is None:
                raise TransitionError(f"the story is {story.status} and not paused")
            was.clear()
            was.append(story.pause)
            story.pause = None

        story = self.update(story_id, mutate)
        return story, was[0] is Pause.PAUSED

    def active_ids(self) -> list[str]:
        return sorted(str(i) for i in self.redis.smembers(ACTIVE_SET))

    def delete(self, story_id: str) -> None:
        try:
            owner = self.get(story_id).owner
        except StoryNotFoundError:
            owner = None
        with self.redis.pipeline(transaction=True) as pipe:
            if owner is not None:
                pipe.zrem(owner_index(owner), story_id)
            pipe.delete(
                story_key(story_id),
                progress_key(story_id),
                progress_log_key(story_id),
                progress_seq_key(story_id),
                lease_key(story_id),
                attempts_key(story_id),
                story_log_key(story_id),
            )
            pipe.zrem(STORIES_INDEX, story_id)
            pipe.srem(ACTIVE_SET, story_id)
            pipe.execute()
