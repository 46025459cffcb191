"""Per-client limits on submissions, checked before anything is recorded.

A client is its API key, or without one its address (hashed: no raw address is kept). Each
may submit `submit_rate_per_minute` stories a minute and have `max_active_per_client`
unfinished at once; the whole service takes `submit_rate_per_minute_total` a minute from
all clients together (counted in Redis, so across every gateway) and no more while
`max_queued_stories` wait.
Refusals are 429 (this client) or 503 (everyone) with `Retry-After`. The admin is exempt.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass

import redis

from codestory.records.keys import ACTIVE_SET, story_key

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Refusal:
    status: int
    detail: str
    retry_after: int


def client_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def _rate_key(client: str, window: int) -> str:
    return f"codestory:client:{client}:rate:{window}"


GLOBAL = "all-clients"  # the counter every submission also goes to


def _active_key(client: str) -> str:
    return f"codestory:client:{client}:active"


# One round trip for every per-client and global check, and the admission with them, so
# two gateways can never both admit a client's last allowed story. The client's list of
# unfinished stories is pruned (finished ones dropped) only when it is full, so a check
# costs the same however many stories the client has told. A story counts while it is
# active, and one admitted without a record yet counts for a minute (its record is being
# written), so parallel requests cannot slip past the limit.
_CHECK_AND_ADMIT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
if count > tonumber(ARGV[1]) then return 'rate' end
if tonumber(ARGV[2]) > 0 then
  local total = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
  if total > tonumber(ARGV[2]) then return 'total' end
end
local limit = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[3]) >= limit then
  local settled = tonumber(ARGV[5]) - tonumber(ARGV[8])
  local listed = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
  for i = 1, #listed, 2 do
    local story = listed[i]
    if redis.call('SISMEMBER', KEYS[4], story) == 0 and
       (redis.call('EXISTS', ARGV[9] .. story) == 1 or tonumber(listed[i + 1]) < settled) then
      redis.call('ZREM', KEYS[3], story)
    end
  end
  if redis.call('ZCARD', KEYS[3]) >= limit then return 'active' end
end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[7])
return 'ok'
"""
ACTIVE_TTL_SECONDS = 7 * 24 * 3600
# The queue's length is read again when this old, or sooner once it nears the cap.
QUEUE_LENGTH_MAX_AGE = 1.0
QUEUE_NEAR_FULL = 0.9


class SubmitQuotas:
    def __init__(
        self,
        records: redis.Redis,
        broker: redis.Redis,
        *,
        rate_per_minute: int,
        rate_per_minute_total: int = 0,
        max_active: int,
        max_queued: int,
        queue: str,
    ) -> None:
        self.records = records
        self.broker = broker
        self.rate_per_minute = rate_per_minute
        self.rate_per_minute_total = rate_per_minute_total
        self.max_active = max_active
        self.max_queued = max_queued
        self.queue = queue
        self._check_and_admit = records.register_script(_CHECK_AND_ADMIT)
        self._queued = 0  # the length last read plus what this gateway queued since
        self._queued_at = -math.inf
        self._lock = threading.Lock()

    def check_and_admit(
        self, client: str, story_id: str, now: float, *, broker_up: bool = True
    ) -> Refusal | None:
        """Count this submission against the client's minute and, if no limit refuses it,
        admit `story_id` as one of the client's unfinished stories.

        An admitted id that never becomes a story (an idempotent replay, a failed write)
        counts until the client's list is next full a minute later, when it is pruned."""
        window = int(now // WINDOW_SECONDS)
        wait = max(math.ceil((window + 1) * WINDOW_SECONDS - now), 1)
        if broker_up and self._queue_is_full(now):
            return Refusal(
                503, f"{self.max_queued} stories are waiting already; try again shortly", 30
            )
        keys = [_rate_key(client, window), _rate_key(GLOBAL, window)]
        keys += [_active_key(client), ACTIVE_SET]
        verdict = self._check_and_admit(
            keys=keys,
            args=[
                self.rate_per_minute,
                self.rate_per_minute_total,
                self.max_active,
                story_id,
                now,
                WINDOW_SECONDS * 2,
                ACTIVE_TTL_SECONDS,
                WINDOW_SECONDS,
                story_key(""),
            ],
        )
        verdict = verdict.decode() if isinstance(verdict, bytes) else str(verdict)
        if verdict == "rate":
            return Refusal(
                429,
                f"at most {self.rate_per_minute} stories a minute from one client; "
                f"try again in {wait} s",
                wait,
            )
        if verdict == "total":
            return Refusal(
                503,
                f"the service takes at most {self.rate_per_minute_total} stories a minute; "
                f"try again in {wait} s",
                wait,
            )
        if verdict == "active":
            return Refusal(
                429,
                f"at most {self.max_active} unfinished stories per client; wait for one to finish",
                30,
            )
        with self._lock:
            self._queued += 1
        return None

    def _queue_is_full(self, now: float) -> bool:
        """Whether `max_queued` stories wait. The length is read at most once a second
        while far from the cap, and on every submission near it, so the cap holds
        exactly while a busy gateway does not ask Redis on every request."""
        with self._lock:
            fresh = now - self._queued_at < QUEUE_LENGTH_MAX_AGE
            if fresh and self._queued < self.max_queued * QUEUE_NEAR_FULL:
                return False
        length = int(self.broker.llen(self.queue))
        with self._lock:
            self._queued, self._queued_at = length, now
        return length >= self.max_queued
