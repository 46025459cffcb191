"""Every Redis key the records use, and the scripts that change several at once.

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
  codestory:watch:{id}            watched repository (JSON)
  codestory:watches               sorted set of watch ids by creation time
  codestory:watches:due           sorted set of watch ids by next check time
  codestory:watches:owner:{owner} an API key's watches by creation time
  codestory:watches:client:{c}    a client's watches (its cap)
"""

from __future__ import annotations

PREFIX = "codestory"
STORIES_INDEX = f"{PREFIX}:stories"
ACTIVE_SET = f"{PREFIX}:active"
DLQ_KEY = f"{PREFIX}:dlq"
JANITOR_RUNS_KEY = f"{PREFIX}:janitor-runs"
WATCHES_INDEX = f"{PREFIX}:watches"
WATCHES_DUE = f"{PREFIX}:watches:due"
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


def watch_key(watch_id: str) -> str:
    return f"{PREFIX}:watch:{watch_id}"


def watches_of_owner(owner: str) -> str:
    return f"{WATCHES_INDEX}:owner:{owner}"


def watches_of_client(client: str) -> str:
    return f"{WATCHES_INDEX}:client:{client}"


def worker_key(hostname: str) -> str:
    return f"{PREFIX}:worker:{hostname}"


# Numbering, storing and announcing an event in one step keeps `seq` gap-free and ordered
# even when two processes report progress for the same story.
PUBLISH_PROGRESS = """
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

RENEW_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

RELEASE_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# One story's entries out of the dead-letter list, in one step (a list has no index by id).
REMOVE_STORY_LETTERS = """
local removed = 0
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, entry = pcall(cjson.decode, raw)
  if ok and type(entry) == 'table' and entry['story_id'] == ARGV[1] then
    removed = removed + redis.call('LREM', KEYS[1], 0, raw)
  end
end
return removed
"""

WATCH_INTERVALS = f"{PREFIX}:watches:intervals"  # hash: watch id -> seconds between checks

# Add a watch unless its client already has ARGV[1]: the count and the add in one step, so
# concurrent requests never leave a client past its cap. KEYS: the client's index, the
# watch, the index of all, the due times, the intervals, the owner's index (used if ARGV[6]).
ADD_WATCH = """
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('SET', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2])
redis.call('HSET', KEYS[5], ARGV[2], ARGV[7])
if ARGV[6] == '1' then redis.call('ZADD', KEYS[6], ARGV[3], ARGV[2]) end
return 1
"""

# Take the watches due by ARGV[1], at most ARGV[2], moving each to its next check time (now
# plus its interval) in the same step, so two janitors never both take one.
CLAIM_DUE_WATCHES = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(due) do
  local interval = redis.call('HGET', KEYS[2], id)
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(interval or '3600'), id)
end
return due
"""
