"""Every Prometheus metric codestory exports, defined once.

Names follow danihodovic/celery-exporter where the concept is the same (so its dashboards
and the celery-mixin alerts work unchanged) and are `codestory_*` otherwise. Dashboards,
alert rules and KEDA queries are tested against these names and a live scrape.

Workers run Celery's prefork pool, so they use prometheus-client's multiprocess mode:
`PROMETHEUS_MULTIPROC_DIR` must be set before this module is imported (the worker
command does it), the directory is emptied when the worker starts, and the main process
serves one endpoint that sums every pool process (codestory.commands.services sets this up).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import REGISTRY, Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Runtimes reach the hard time limits (story 300 s, audio up to 1800 s), far past the
# default buckets' 10 s.
RUNTIME_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 240, 300, 600, 1200, 1800)
WAIT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

TASK_LABELS = ("name", "queue_name", "hostname")

# --- workers (celery-exporter names) ----------------------------------------------------
TASK_SENT = Counter("celery_task_sent", "Tasks published.", ("name", "queue_name"))
TASK_RECEIVED = Counter("celery_task_received", "Tasks received by a worker.", TASK_LABELS)
TASK_STARTED = Counter("celery_task_started", "Tasks started.", TASK_LABELS)
TASK_SUCCEEDED = Counter("celery_task_succeeded", "Tasks that succeeded.", TASK_LABELS)
TASK_FAILED = Counter("celery_task_failed", "Tasks that failed.", (*TASK_LABELS, "exception"))
TASK_RETRIED = Counter("celery_task_retried", "Tasks retried.", TASK_LABELS)
TASK_REJECTED = Counter("celery_task_rejected", "Tasks rejected (requeued).", TASK_LABELS)
TASK_REVOKED = Counter("celery_task_revoked", "Tasks revoked.", TASK_LABELS)
# Seen by the worker's main process: the pool process that ran them cannot report.
TASKS_LOST = Counter(
    "codestory_tasks_lost",
    "Tasks whose pool process was killed (worker_lost) or cut off (time_limit).",
    (*TASK_LABELS, "reason"),
)
TASK_RUNTIME = Histogram(
    "celery_task_runtime", "Task run time, seconds.", TASK_LABELS, buckets=RUNTIME_BUCKETS
)
WORKER_UP = Gauge(
    "celery_worker_up", "1 while the worker runs.", ("hostname",), multiprocess_mode="livemax"
)
WORKER_TASKS_ACTIVE = Gauge(
    "celery_worker_tasks_active", "Tasks running now.", ("hostname",), multiprocess_mode="livesum"
)

# --- workers (ours) ---------------------------------------------------------------------
TASK_QUEUE_WAIT = Histogram(
    "codestory_task_queue_wait_seconds",
    "Time from publish to start, seconds.",
    ("name", "queue_name"),
    buckets=WAIT_BUCKETS,
)
TASKS_IN_FLIGHT = Gauge(
    "codestory_tasks_in_flight",
    "Tasks running now, per queue (KEDA counts these so scale-in spares them).",
    ("queue",),
    multiprocess_mode="livesum",
)
WORKER_LAST_HEARTBEAT = Gauge(
    "codestory_worker_last_heartbeat_timestamp_seconds",
    "Unix time of the worker's last heartbeat.",
    ("hostname",),
    multiprocess_mode="livemax",
)
STAGE_DURATION = Histogram(
    "codestory_stage_duration_seconds",
    "Time spent in each pipeline stage, seconds.",
    ("stage",),
    buckets=RUNTIME_BUCKETS,
)
# cause: "client" when the caller's input failed the story, "server" when we did, "" for
# complete; the failure alerts count only "server".
STORIES_FINISHED = Counter(
    "codestory_stories_finished",
    "Stories that reached an end state.",
    ("status", "error_type", "cause"),
)

NARRATIONS = Counter(
    "codestory_narrations",
    "Scripts written, by narrator: the LLM's fact-checked prose or the template's.",
    ("narrator", "outcome"),
)
SPEECH_RUNS = Counter(
    "codestory_speech_runs",
    "Stories spoken, by engine: the speech service or espeak-ng.",
    ("engine", "outcome"),
)
CACHE_LOOKUPS = Counter(
    "codestory_cache_lookups",
    "Cache lookups by the workers: analysis by commit, audio by script.",
    ("cache", "result"),
)

# --- janitor ----------------------------------------------------------------------------
STUCK_FOUND = Counter("codestory_stuck_stories_found", "Stuck stories found.", ("status",))
STUCK_FIXED = Counter(
    "codestory_stuck_stories_fixed", "Stuck stories requeued or failed.", ("action",)
)
STORIES_EXPIRED = Counter("codestory_stories_expired", "Old stories deleted.")

# --- gateway ----------------------------------------------------------------------------
HTTP_REQUESTS = Counter("codestory_http_requests", "HTTP requests.", ("route", "method", "status"))
HTTP_DURATION = Histogram(
    "codestory_http_request_duration_seconds",
    "HTTP request latency, seconds.",
    ("route", "method"),
    buckets=HTTP_BUCKETS,
)
STORIES_SUBMITTED = Counter("codestory_stories_submitted", "Stories accepted by the gateway.")
SSE_CLIENTS = Gauge("codestory_sse_clients", "Open progress streams (SSE and WebSocket).")
BREAKER_OPEN = Gauge(
    "codestory_gateway_redis_breaker_open",
    "1 while the gateway answers 503 without trying Redis (its circuit breaker is open).",
    multiprocess_mode="livemax",
)
BREAKER_TRIPS = Counter(
    "codestory_gateway_redis_breaker_trips", "Times the gateway's Redis circuit breaker opened."
)
DEGRADED = Gauge(
    "codestory_gateway_degraded",
    "1 while the broker is unreachable and the gateway runs new stories itself.",
    multiprocess_mode="livemax",
)
DEGRADED_TRIPS = Counter(
    "codestory_gateway_degraded_entries", "Times the gateway entered degraded mode."
)
DEGRADED_STORIES = Counter(
    "codestory_gateway_degraded_stories",
    "Stories submitted while the broker was unreachable, by what became of them.",
    ("outcome",),  # run: taken by the gateway's pool; refused: the pool was full
)


@contextmanager
def stage_timer(stage: str) -> Iterator[None]:
    """A pipeline stage: its own span in the story's trace, and its duration histogram."""
    from codestory.observability.tracing import span

    started = time.perf_counter()
    try:
        with span(stage, **{"codestory.stage": stage}):
            yield
    finally:
        STAGE_DURATION.labels(stage=stage).observe(time.perf_counter() - started)


def serve(
    port: int, *, host: str = "127.0.0.1", extra: Collector | None = None
) -> CollectorRegistry:
    """Serve /metrics on `host`:`port` (port 0: do not serve). Multiprocess-aware."""
    if directory := os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        PruningMultiProcessCollector(registry, directory)
    else:
        registry = REGISTRY
    if extra is not None:
        registry.register(extra)
    if port:
        start_http_server(port, addr=host, registry=registry)
    return registry


_LIVE_FILE = re.compile(r"gauge_live\w+_(\d+)\.db$")


def dead_pids(directory: str) -> set[int]:
    """Processes that left live-gauge files behind and no longer exist (a SIGKILLed pool
    child never runs its shutdown hook, and its `livesum` gauges would count forever)."""
    found: set[int] = set()
    for path in Path(directory).iterdir():
        match = _LIVE_FILE.match(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            found.add(pid)
        except PermissionError:
            continue  # alive, someone else's
    return found


class PruningMultiProcessCollector(prometheus_multiprocess.MultiProcessCollector):
    """Sums the pool's processes, forgetting the live gauges of any that died unannounced."""

    def __init__(self, registry: CollectorRegistry, directory: str) -> None:
        super().__init__(registry, directory)
        self.directory = directory

    def collect(self) -> Iterable[Metric]:
        for pid in dead_pids(self.directory):
            prometheus_multiprocess.mark_process_dead(pid, self.directory)
        metrics: Iterable[Metric] = super().collect()
        return metrics


def mark_process_dead(pid: int) -> None:
    if os.environ.get(MULTIPROC_ENV):
        prometheus_multiprocess.mark_process_dead(pid)
