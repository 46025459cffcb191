"""A circuit breaker in front of Redis, so a hung broker costs one timeout, not one per request.

The first request that meets a connection error or timeout opens the breaker. While it is
open every Redis-backed route answers 503 at once, and a background probe pings Redis with a
short timeout; the first answer closes the breaker. No user request is spent on finding out
whether Redis is back, which is why this is not the usual half-open trial call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from kombu.exceptions import OperationalError
from prometheus_client import Counter, Gauge

from codestory.observability.metrics import BREAKER_OPEN, BREAKER_TRIPS
from codestory.observability.tracing import untraced

log = logging.getLogger("codestory.gateway")

# A hang or a refusal is what the breaker is for; an error Redis answered with (OOM, a
# script) is not. kombu wraps a broker it cannot reach in OperationalError.
TRIPPING_ERRORS: tuple[type[BaseException], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    OperationalError,
)


class RedisBreaker:
    def __init__(
        self,
        probe: Callable[[], object],
        *,
        probe_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        open_gauge: Gauge = BREAKER_OPEN,
        trips: Counter = BREAKER_TRIPS,
        consequence: str = "answering 503 until it is back",
    ) -> None:
        self._consequence = consequence
        self._probe = probe
        self._open_gauge = open_gauge
        self._trips = trips
        self._interval = probe_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._prober: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def open_for(self) -> float:
        """Seconds since the breaker opened; 0 when closed."""
        opened = self._opened_at
        return 0.0 if opened is None else self._clock() - opened

    def trip(self, reason: BaseException) -> None:
        with self._lock:
            if self._opened_at is not None:
                return
            self._opened_at = self._clock()
            self._open_gauge.set(1)
            self._trips.inc()
            log.warning("Redis unreachable; %s: %s", self._consequence, reason)
            if self._prober is None or not self._prober.is_alive():
                self._prober = threading.Thread(
                    target=self._probe_until_closed, name="redis-breaker", daemon=True
                )
                self._prober.start()

    def trip_if_unreachable(self, error: BaseException) -> None:
        """Open on errors that say Redis cannot be reached; ignore those it answered with."""
        if isinstance(error, TRIPPING_ERRORS):
            self.trip(error)

    def close(self) -> None:
        with self._lock:
            if self._opened_at is None:
                return
            log.info("Redis is back after %.1f s", self.open_for())
            self._opened_at = None
            self._open_gauge.set(0)

    def probe_once(self) -> bool:
        """Ping Redis; close the breaker if it answered."""
        try:
            self._probe()
        except redis.RedisError:
            return False
        self.close()
        return True

    def stop(self) -> None:
        self._stopping.set()

    def _probe_until_closed(self) -> None:
        while self.is_open and not self._stopping.is_set():
            if self.probe_once():
                return
            self._stopping.wait(self._interval)


def ping_all(*clients: redis.Redis) -> Callable[[], None]:
    def ping() -> None:
        with untraced():
            for client in clients:
                client.ping()

    return ping


def probe_client(url: str, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
