"""The broker's view, computed when Prometheus scrapes the janitor: queue lengths, the age
of the oldest waiting message, in-flight (unacknowledged) messages, the DLQ, stories by
status, and Redis memory and clients."""

from __future__ import annotations

import json
import time
from collections import Counter as Tally
from collections.abc import Iterator
from typing import Any

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from codestory.core.domain import Story
from codestory.observability.celery_signals import ENQUEUED_AT_HEADER
from codestory.records.keys import ACTIVE_SET, DLQ_KEY, JANITOR_RUNS_KEY, story_key
from codestory.runtime.broker import in_flight_by_queue

ACTIVE_SCAN_LIMIT = 10_000


def message_age(raw: str | bytes | None, now: float) -> float:
    """Seconds since a queued kombu message was published (0 if unknown)."""
    if not raw:
        return 0.0
    try:
        enqueued = json.loads(raw).get("headers", {}).get(ENQUEUED_AT_HEADER)
    except (TypeError, ValueError, AttributeError):
        return 0.0
    return max(now - float(enqueued), 0.0) if isinstance(enqueued, int | float) else 0.0


class BrokerCollector(Collector):
    def __init__(self, broker: redis.Redis, records: redis.Redis, queues: tuple[str, ...]) -> None:
        self.broker, self.records, self.queues = broker, records, queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("codestory_broker_up", "1 when the janitor can read Redis.")
        try:
            families = list(self._families())
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[GaugeMetricFamily]:
        now = time.time()
        length = GaugeMetricFamily(
            "celery_queue_length", "Messages waiting.", labels=["queue_name"]
        )
        oldest = GaugeMetricFamily(
            "codestory_queue_oldest_message_age_seconds",
            "Age of the oldest waiting message.",
            labels=["queue_name"],
        )
        unacked = GaugeMetricFamily(
            "codestory_tasks_unacked", "Messages taken but not acknowledged.", labels=["queue_name"]
        )
        running = in_flight_by_queue(self.broker)
        for queue in self.queues:
            length.add_metric([queue], float(self.broker.llen(queue)))
            # kombu pushes on the left and pops on the right: the right end waited longest.
            oldest.add_metric([queue], message_age(self.broker.lindex(queue, -1), now))
            unacked.add_metric([queue], float(running.get(queue, 0)))
        yield from (length, oldest, unacked)
        dlq = GaugeMetricFamily("codestory_dlq_size", "Failed tasks in the dead-letter list.")
        dlq.add_metric([], float(self.records.llen(DLQ_KEY)))
        yield dlq
        yield self._stories()
        yield self._janitor_runs()
        memory: dict[str, Any] = self.broker.info("memory")
        clients: dict[str, Any] = self.broker.info("clients")
        for name, value, text in (
            (
                "codestory_redis_memory_used_bytes",
                memory.get("used_memory", 0),
                "Redis memory used.",
            ),
            (
                "codestory_redis_maxmemory_bytes",
                memory.get("maxmemory", 0),
                "Redis maxmemory (0: none).",
            ),
            (
                "codestory_redis_connected_clients",
                clients.get("connected_clients", 0),
                "Redis clients.",
            ),
        ):
            family = GaugeMetricFamily(name, text)
            family.add_metric([], float(value))
            yield family

    def _janitor_runs(self) -> GaugeMetricFamily:
        """When each scheduled task last ran, by any janitor: the alert on its age catches
        a schedule that stopped while every process stayed up."""
        family = GaugeMetricFamily(
            "codestory_janitor_last_run_timestamp_seconds",
            "Unix time of each janitor task's last run.",
            labels=["task"],
        )
        for key, value in self.records.hgetall(JANITOR_RUNS_KEY).items():
            name = key.decode() if isinstance(key, bytes) else str(key)
            if name.endswith(":last"):
                family.add_metric([name.removesuffix(":last")], float(value))
        return family

    def _stories(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "codestory_stories", "Unfinished stories by status.", labels=["status"]
        )
        ids = list(self.records.sscan_iter(ACTIVE_SET, count=1000))[:ACTIVE_SCAN_LIMIT]
        counts: Tally[str] = Tally()
        for raw in self.records.mget([story_key(str(i)) for i in ids]) if ids else []:
            if raw:
                counts[str(Story.model_validate_json(raw).status)] += 1
        for status in ("queued", "analyzing", "generating", "synthesizing"):
            family.add_metric([status], float(counts.get(status, 0)))
        return family
