"""The Celery app: queue names, task names, routes, the one config dict, and the worker
bootstep that writes the heartbeat files the probes read.

Importing this module does not import any task code, so the gateway can enqueue by name
without loading the speech or analysis stack.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import redis
from celery import Celery, bootsteps
from celery.signals import (
    setup_logging,
    task_received,
    worker_process_init,
    worker_process_shutdown,
)
from celery.worker import state as worker_state

from codestory.core.queues import (
    TASK_MODULES,
)
from codestory.core.settings import Settings, get_settings
from codestory.runtime.celery_config import celery_config
from codestory.runtime.probes import LIVENESS_FILE, READINESS_FILE, STATUS_FILE
from codestory.runtime.watchdog import Limits, Watchdog, write_atomically

__all__ = ["HeartbeatStep", "app", "create_app", "default_hostname", "heartbeat_paths"]
log = logging.getLogger("codestory.worker")


def heartbeat_paths(settings: Settings) -> tuple[Path, Path]:  # written here, read by probes
    return settings.heartbeat_dir / LIVENESS_FILE, settings.heartbeat_dir / READINESS_FILE


def scheduler_died(consumer: Any) -> bool:
    """Whether this worker embeds a beat scheduler (`--beat`) whose process has ended."""
    worker = getattr(consumer, "controller", None)
    service = getattr(worker, "beat", None)
    is_alive = getattr(service, "is_alive", None)  # a process; absent when not embedded
    return callable(is_alive) and getattr(service, "pid", None) is not None and not is_alive()


# Messages this worker process has taken from the broker and not yet acknowledged, by task
# id: running, waiting for a pool slot, for a rate-limit token or for an ETA. Celery's own
# worker state misses the rate-limited ones, so the heartbeat reports these instead.
_taken: dict[str, Any] = {}


@task_received.connect
def remember_taken(request: Any = None, **_: Any) -> None:
    if request is not None:
        _taken[str(request.id)] = request.message
    if _watchdog is not None:
        _watchdog.taken()


# One per worker process, kept across the consumer's restarts around reconnects.
_watchdog: Watchdog | None = None


def start_watchdog(consumer: Any, settings: Settings) -> None:
    """Start the thread that writes the liveness and status files (see watchdog.py)."""
    global _watchdog
    if _watchdog is not None:
        return
    try:  # the queues it was started with: a consumer cancelled later still owes them
        queues = tuple(sorted(q.name for q in consumer.task_consumer.queues))
    except AttributeError:
        queues = ()
    concurrency = int(getattr(consumer.controller, "concurrency", 0) or 1)
    _watchdog = Watchdog(
        broker_url=settings.celery_broker_url,
        queues=queues,
        free_slots=lambda: concurrency - len(held_task_ids()),
        alive_file=settings.heartbeat_dir / LIVENESS_FILE,
        status_file=settings.heartbeat_dir / STATUS_FILE,
        limits=Limits(
            grace=settings.liveness_grace_seconds,
            outage_tolerance=settings.broker_outage_tolerance_seconds,
            consume_stall=settings.consume_stall_seconds,
        ),
        interval=settings.heartbeat_interval_seconds,
    )
    _watchdog.check(time.time())
    _watchdog.start()


def held_task_ids() -> list[str]:
    """Ids of the messages this worker holds, forgetting those it has acknowledged."""
    for task_id, message in list(_taken.items()):
        if getattr(message, "acknowledged", True):
            _taken.pop(task_id, None)
    return sorted(_taken)


class HeartbeatStep(bootsteps.StartStopStep):
    """Consumer bootstep: the worker's loop ticks the watchdog and refreshes its Redis key.

    The watchdog (its own thread, started once) writes the liveness and status files, so
    a broker hang that blocks this loop is told apart from a stuck worker. Readiness exists
    from the moment the consumer can take tasks until it stops.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.settings = get_settings()
        self.alive, self.ready = heartbeat_paths(self.settings)
        self.timer_ref: Any = None
        self.store: Any = None

    def start(self, parent: Any) -> None:
        from codestory.records.store import StoryStore, make_client

        self.settings.heartbeat_dir.mkdir(parents=True, exist_ok=True)
        self.store = StoryStore(make_client(self.settings.redis_url))
        start_watchdog(parent, self.settings)
        self.beat(parent)
        write_atomically(self.ready, f"{os.getpid()} {time.time()}\n")
        self.timer_ref = parent.timer.call_repeatedly(
            self.settings.heartbeat_interval_seconds, self.beat, (parent,), priority=10
        )

    def beat(self, parent: Any) -> None:
        from codestory.observability.metrics import WORKER_LAST_HEARTBEAT

        if scheduler_died(parent):
            # The janitor's embedded scheduler (RedBeat) can die on a broker restart while
            # the worker lives on: no sweep would ever run again behind a green probe. Stop
            # proving liveness and shut down, so the process is restarted and waits for the
            # scheduler lock afresh.
            log.critical("the embedded beat scheduler has died; stopping the janitor")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        now = time.time()
        if _watchdog is not None:
            _watchdog.tick()  # the watchdog writes the liveness file from its own thread
        WORKER_LAST_HEARTBEAT.labels(hostname=parent.hostname).set(now)
        try:
            queues = sorted(q.name for q in parent.task_consumer.queues)
        except AttributeError:
            queues = []
        try:
            self.store.record_worker(
                parent.hostname,
                {
                    "hostname": parent.hostname,
                    "queues": queues,
                    "pid": os.getpid(),
                    "held": held_task_ids(),
                    "concurrency": getattr(parent.controller, "concurrency", None),
                    "active": len(worker_state.active_requests),
                },
                self.settings.worker_ttl_seconds,
            )
        except redis.RedisError as exc:
            # A Redis blip must not stop the heartbeat; the key's TTL tells the story.
            log.debug("could not record worker heartbeat: %s", exc)

    def stop(self, parent: Any) -> None:
        # The consumer stops around a lost connection, and the messages it held go back to
        # the broker with it (their tasks are cancelled), so they are no longer ours.
        _taken.clear()
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
        self.ready.unlink(missing_ok=True)

    def shutdown(self, parent: Any) -> None:
        self.stop(parent)
        if _watchdog is not None:
            _watchdog.stop()
        self.alive.unlink(missing_ok=True)
        if self.store is not None:
            with contextlib.suppress(redis.RedisError):  # its key expires anyway
                self.store.forget_worker(parent.hostname)


@setup_logging.connect
def configure_worker_logging(**_: Any) -> None:
    """Connecting here stops Celery from installing its own handlers over ours."""
    from codestory.observability.logging import configure_logging
    from codestory.records.story_log import keep_story_logs

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    service = os.environ.get("OTEL_SERVICE_NAME", "codestory-worker")
    keep_story_logs(settings.redis_url, settings.retention_days, service)


@worker_process_init.connect
def start_tracing_in_pool_process(**_: Any) -> None:
    """Per pool process: providers and instrumentation do not survive a fork."""
    from codestory.observability import tracing

    tracing.configure_tracing(None)  # the worker command set OTEL_SERVICE_NAME
    tracing.instrument_celery()
    tracing.instrument_redis()


@worker_process_shutdown.connect
def flush_tracing(**_: Any) -> None:
    from codestory.observability import tracing

    tracing.shutdown_tracing()


def connect_metric_signals() -> None:
    # Imported for its side effect: connecting the signal handlers.
    from codestory.observability import celery_signals  # noqa: F401


def create_app(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    # Celery reads these two variables over its own configuration; left as written they
    # would bypass what Settings adds (the Redis password, the TLS policy).
    for name, url in (
        ("CELERY_BROKER_URL", settings.celery_broker_url),
        ("CELERY_RESULT_BACKEND", settings.celery_result_backend),
    ):
        if name in os.environ:
            os.environ[name] = url
    celery_app = Celery(
        "codestory",
        include=TASK_MODULES,
        task_cls="codestory.observability.lost_tasks:CountingTask",
    )
    celery_app.conf.update(celery_config(settings))
    celery_app.steps["consumer"].add(HeartbeatStep)
    connect_metric_signals()
    return celery_app


def default_hostname(service: str) -> str:
    return f"{service}@{socket.gethostname()}"


app = create_app()
