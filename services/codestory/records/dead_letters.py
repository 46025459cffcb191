"""The dead-letter list: failed tasks, newest last, capped; read, counted and cleared."""

from __future__ import annotations

import json
import time
from typing import Any

from redis.client import Pipeline

from codestory.records.base import RecordsBase
from codestory.records.keys import DLQ_KEY, DLQ_MAX


def queue_dead_letter(pipe: Pipeline, entry: dict[str, Any]) -> None:
    pipe.rpush(DLQ_KEY, json.dumps({"at": time.time(), **entry}))
    pipe.ltrim(DLQ_KEY, -DLQ_MAX, -1)


class DeadLetters(RecordsBase):
    def dead_letter(self, entry: dict[str, Any]) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            queue_dead_letter(pipe, entry)
            pipe.execute()

    def dead_letters(
        self, limit: int = 100, *, error_type: str | None = None
    ) -> list[dict[str, Any]]:
        """The newest `limit` entries, oldest first; of one error type, if given."""
        entries = [json.loads(raw) for raw in self.redis.lrange(DLQ_KEY, -limit, -1)]
        if error_type is None:
            return entries
        return [e for e in entries if e.get("error_type") == error_type]

    def dlq_size(self) -> int:
        return int(self.redis.llen(DLQ_KEY))

    def dead_letters_of(self, story_id: str) -> list[dict[str, Any]]:
        return [e for e in self.dead_letters(DLQ_MAX) if e.get("story_id") == story_id]

    def remove_dead_letters(self, story_id: str | None = None) -> int:
        """Drop one story's entries, or (None) every entry; return how many went."""
        if story_id is None:
            with self.redis.pipeline(transaction=True) as pipe:
                pipe.llen(DLQ_KEY)
                pipe.delete(DLQ_KEY)
                size, _ = pipe.execute()
            return int(size)
        return int(self._remove_story_letters(keys=[DLQ_KEY], args=[story_id]))
