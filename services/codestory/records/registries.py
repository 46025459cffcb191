"""Who is alive: janitor runs by task, and worker heartbeats with a TTL."""

from __future__ import annotations

import json
import time
from typing import Any

from codestory.records.base import RecordsBase
from codestory.records.keys import JANITOR_RUNS_KEY, worker_key


class Registries(RecordsBase):
    def record_janitor_run(self, task: str) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(JANITOR_RUNS_KEY, task, 1)
            pipe.hset(JANITOR_RUNS_KEY, f"{task}:last", time.time())
            pipe.execute()

    def janitor_runs(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self.redis.hgetall(JANITOR_RUNS_KEY).items()}

    # --- worker heartbeats ---------------------------------------------------------------
    def record_worker(self, hostname: str, info: dict[str, Any], ttl: int) -> None:
        self.redis.set(worker_key(hostname), json.dumps({**info, "at": time.time()}), ex=ttl)

    def forget_worker(self, hostname: str) -> None:
        self.redis.delete(worker_key(hostname))

    def live_workers(self) -> list[dict[str, Any]]:
        keys = list(self.redis.scan_iter(match=worker_key("*"), count=500))
        raws = self.redis.mget(keys) if keys else []
        return [json.loads(r) for r in raws if r]
