from __future__ import annotations

import redis

from codestory.gateway.breaker import RedisBreaker
from codestory.gateway.middleware import needs_redis


class Redis:
    """A probe target that is down until told otherwise."""

    def __init__(self) -> None:
        self.up = False
        self.pings = 0

    def ping(self) -> None:
        self.pings += 1
        if not self.up:
            raise redis.ConnectionError("refused")


def breaker_for(target: Redis) -> RedisBreaker:
    clock = iter(float(t) for t in range(100))
    # A long interval: the background prober pings once, then waits; the test drives it.
    return RedisBreaker(target.ping, probe_interval=60, clock=lambda: next(clock))


def test_trips_once_and_reports_how_long() -> None:
    target = Redis()
    breaker = breaker_for(target)
    assert not breaker.is_open and breaker.open_for() == 0
    breaker.trip(redis.TimeoutError("hung"))
    breaker.trip(redis.TimeoutError("hung again"))  # already open: nothing new
    assert breaker.is_open
    assert breaker.open_for() == 1.0
    breaker.stop()


def test_only_unreachable_redis_trips_it() -> None:
    breaker = breaker_for(Redis())
    breaker.trip_if_unreachable(redis.ResponseError("OOM command not allowed"))
    assert not breaker.is_open, "Redis answered: it is up"
    breaker.trip_if_unreachable(redis.TimeoutError("hung"))
    assert breaker.is_open
    breaker.stop()


def test_closes_only_when_redis_answers() -> None:
    target = Redis()
    breaker = breaker_for(target)
    breaker.trip(redis.ConnectionError("refused"))
    assert not breaker.probe_once()
    assert breaker.is_open
    target.up = True
    assert breaker.probe_once()
    assert not breaker.is_open
    breaker.stop()


def test_only_redis_backed_routes_are_short_circuited() -> None:
    assert needs_redis("/api/v1/stories")
    assert needs_redis("/readyz")
    assert not needs_redis("/healthz")
    assert not needs_redis("/health")  # it reports the open breaker itself
    assert not needs_redis("/docs")
