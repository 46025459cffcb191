"""What every part of the records holds: the Redis client, the progress TTL and the
scripts, registered once per client."""

from __future__ import annotations

import redis
from redis.commands.core import Script

from codestory.records import keys


def make_client(url: str, *, socket_timeout: float = 5) -> redis.Redis:
    # Short timeouts: a gateway request must fail fast with 503 rather than hang.
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=min(2, socket_timeout),
        socket_timeout=socket_timeout,
        health_check_interval=15,
    )


class RecordsBase:
    """A Redis client and the records' scripts. Thread-safe: redis-py pools connections."""

    def __init__(self, client: redis.Redis, *, progress_ttl: int = 3600) -> None:
        self.redis = client
        self.progress_ttl = progress_ttl
        self._publish: Script = client.register_script(keys.PUBLISH_PROGRESS)
        self._renew: Script = client.register_script(keys.RENEW_LEASE)
        self._release: Script = client.register_script(keys.RELEASE_LEASE)
        self._remove_story_letters: Script = client.register_script(keys.REMOVE_STORY_LETTERS)
        self._add_watch: Script = client.register_script(keys.ADD_WATCH)
        self._claim_due_watches: Script = client.register_script(keys.CLAIM_DUE_WATCHES)
