"""Story records, progress events, leases and the dead-letter list, kept in Redis.

Key layout (one prefix, so an operator can find everything with `SCAN codestory:*`):
  codestory:story:{id}            story record (JSON)
  codestory:stories               sorted set of story ids by creation time
  codestory:active                ids of stories not yet complete, failed or cancelled
  codestory:idempotency:{key}     story id for an Idempotency-Key (TTL)
  codestory:progress:{id}         latest progress event (TTL)
  codestory:progress-log:{id}     recent progress events, for SSE resume (TTL)
  codestory:progress-seq:{id}     event sequence counter (TTL)
  codestory:lease:{id}            token of the worker holding the story (TTL)
  codestory:worker:{hostname}     worker heartbeat (TTL)
  codestory:dlq                   failed tasks, newest last
  codestory:janitor-runs          hash: janitor task name -> runs, and name:last -> time
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import redis
from redis.client import Pipeline

from codestory.core.domain import (
    STEP_PERCENT,
    Pause,
    ProgressEvent,
    Status,
    Story,
    TransitionError,
    can_transition,
    step_percent,
)
from codestory.core.redaction import redact
from codestory.records.story_log import story_log_key

PREFIX = "codestory"
STORIES_INDEX = f"{PREFIX}:stories"
ACTIVE_SET = f"{PREFIX}:active"
DLQ_KEY = f"{PREFIX}:dlq"
JANITOR_RUNS_KEY = f"{PREFIX}:janitor-runs"
PROGRESS_LOG_MAX = 500
DLQ_MAX = 10_000


def owner_index(owner: str) -> str:
    return f"{STORIES_INDEX}:owner:{owner}"


def story_key(story_id: str) -> str:
    return f"{PREFIX}:story:{story_id}"


def idempotency_key(key: str) -> str:
    return f"{PREFIX}:idempotency:{key}"


def progress_key(story_id: str) -> str:
    return f"{PREFIX}:progress:{story_id}"


def progress_log_key(story_id: str) -> str:
    return f"{PREFIX}:progress-log:{story_id}"


def progress_seq_key(story_id: str) -> str:
    return f"{PREFIX}:progress-seq:{story_id}"


def progress_channel(story_id: str) -> str:
    return f"{PREFIX}:progress-events:{story_id}"


def lease_key(story_id: str) -> str:
    return f"{PREFIX}:lease:{story_id}"


def attempts_key(story_id: str) -> str:
    return f"{PREFIX}:story:{story_id}:attempts"


def worker_key(hostname: str) -> str:
    return f"{PREFIX}:worker:{hostname}"


# Numbering, storing and announcing an event in one step keeps `seq` gap-free and ordered
# even when two processes report progress for the same story.
_PUBLISH_PROGRESS = """
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local event = cjson.decode(ARGV[1])
event['seq'] = seq
local payload = cjson.encode(event)
redis.call('SET', KEYS[2], payload, 'EX', ARGV[2])
redis.call('RPUSH', KEYS[3], payload)
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('PUBLISH', ARGV[4], payload)
return payload
"""

_RENEW_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# One story's entries out of the dead-letter list, in one step (a list has no index by id).
_REMOVE_STORY_LETTERS = """
local removed = 0
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' and entry['story_id'] == ARGV[1] then
    removed = removed + redis.call('LREM', KEYS[1], 0, raw)
  end
end
return removed
"""


class StoryNotFoundError(LookupError):
    pass


class IdempotencyConflictError(Exception):
    """An Idempotency-Key reused with a different request body."""


def make_client(url: str, *, socket_timeout: float = 5) -> redis.Redis:
    # Short timeouts: a gateway request must fail fast with 503 rather than hang.
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=min(2, socket_timeout),
        socket_timeout=socket_timeout,
        health_check_interval=15,
    )


class StoryStore:
    """All story state in Redis. Thread-safe: redis-py pools connections."""

    def __init__(self, client: redis.Redis, *, progress_ttl: int = 3600) -> None:
        self.redis = client
        self.progress_ttl = progress_ttl
        self._publish = client.register_script(_PUBLISH_PROGRESS)
        self._renew = client.register_script(_RENEW_LEASE)
        self._release = client.register_script(_RELEASE_LEASE)
        self._remove_story_letters = client.register_script(_REMOVE_STORY_LETTERS)

    # --- records -------------------------------------------------------------------------
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
                self._queue_dead_letter(pipe, dead_letter)

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

    # --- progress ------------------------------------------------------------------------
    def publish(
        self, story_id: str, status: Status, step: str, message: str, fraction: float = 0.0
    ) -> ProgressEvent:
        if status == Status.COMPLETE:
            percent = 100.0
        elif step in STEP_PERCENT:
            percent = step_percent(step, fraction)
        else:  # failed, cancelled, requeued: keep the bar where it was
            latest = self.latest_progress(story_id)
            percent = latest.percent if latest else 0.0
        event = ProgressEvent(
            story_id=story_id, status=status, step=step, percent=percent, message=redact(message)
        )
        payload = self._publish(
            keys=[progress_seq_key(story_id), progress_key(story_id), progress_log_key(story_id)],
            args=[
                event.model_dump_json(exclude={"seq"}),
                self.progress_ttl,
                PROGRESS_LOG_MAX,
                progress_channel(story_id),
            ],
        )
        return ProgressEvent.model_validate_json(payload)

    def latest_progress(self, story_id: str) -> ProgressEvent | None:
        raw = self.redis.get(progress_key(story_id))
        return ProgressEvent.model_validate_json(raw) if raw else None

    def progress_since(self, story_id: str, after_seq: int) -> list[ProgressEvent]:
        events = [
            ProgressEvent.model_validate_json(raw)
            for raw in self.redis.lrange(progress_log_key(story_id), 0, -1)
        ]
        return [e for e in events if e.seq > after_seq]

    # --- leases --------------------------------------------------------------------------
    def acquire_lease(self, story_id: str, ttl: int) -> str | None:
        token = secrets.token_hex(8)
        return token if self.redis.set(lease_key(story_id), token, nx=True, ex=ttl) else None

    def renew_lease(self, story_id: str, token: str, ttl: int) -> bool:
        return bool(self._renew(keys=[lease_key(story_id)], args=[token, ttl]))

    def release_lease(self, story_id: str, token: str) -> None:
        self._release(keys=[lease_key(story_id)], args=[token])

    def has_lease(self, story_id: str) -> bool:
        return bool(self.redis.exists(lease_key(story_id)))

    # --- attempts that never ended (a worker killed mid-task) ----------------------------
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

    # --- dead letters --------------------------------------------------------------------
    @staticmethod
    def _queue_dead_letter(pipe: Pipeline, entry: dict[str, Any]) -> None:
        pipe.rpush(DLQ_KEY, json.dumps({"at": time.time(), **entry}))
        pipe.ltrim(DLQ_KEY, -DLQ_MAX, -1)

    def dead_letter(self, entry: dict[str, Any]) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            self._queue_dead_letter(pipe, entry)
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

    # --- janitor bookkeeping ------------------------------------------------------------
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


class LeaseKeeper:
    """Holds a story's lease while a task works, renewing it from a daemon thread.

    If the lease is lost (Redis was unreachable past the TTL and another worker took the
    story), `lost` is set and the task stops at its next checkpoint instead of racing.
    """

    def __init__(self, store: StoryStore, story_id: str, token: str, ttl: int) -> None:
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


UNACKED_KEY = "unacked"  # kombu's Redis transport: delivery tag -> [message, exchange, queue]


def in_flight_by_queue(client: redis.Redis) -> dict[str, int]:
    """Messages taken by a worker and not yet acknowledged, per queue (acks_late: running)."""
    counts: dict[str, int] = {}
    for raw in client.hvals(UNACKED_KEY):
        try:
            _message, _exchange, queue = json.loads(raw)
        except (TypeError, ValueError):
            continue
        counts[str(queue)] = counts.get(str(queue), 0) + 1
    return counts


def iter_queue_headers(
    client: redis.Redis, queue: str, limit: int = 10_000
) -> Iterator[dict[str, Any]]:
    """Headers of messages waiting in a Celery queue on the Redis transport (a list)."""
    for raw in client.lrange(queue, 0, limit - 1):
        try:
            message = json.loads(raw)
        except (TypeError, ValueError):
            continue
        headers = message.get("headers")
        if isinstance(headers, dict):
            yield headers
