"""Delivery attempts: starts of a stage that never ended, which only a killed process leaves."""

from __future__ import annotations

from codestory.records.base import RecordsBase
from codestory.records.keys import attempts_key


class DeliveryAttempts(RecordsBase):
    def begin_attempt(self, story_id: str, stage: str, ttl: int) -> int:
        """Count a start of `stage`; return how many starts have not ended, this one included.

        A task that ends in any way, even by raising, calls `end_attempt`. Only a process
        killed mid-task (SIGKILL, the OOM killer, a hard time limit) leaves its start counted.
        """
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(attempts_key(story_id), stage, 1)
            pipe.expire(attempts_key(story_id), ttl)
            count, _ = pipe.execute()
        return int(count)

    def end_attempt(self, story_id: str, stage: str) -> None:
        self.redis.hdel(attempts_key(story_id), stage)

    def reset_attempts(self, story_id: str) -> None:
        self.redis.delete(attempts_key(story_id))
