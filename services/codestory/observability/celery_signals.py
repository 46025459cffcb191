"""Celery signals -> metrics. Connected when codestory.runtime.celery_app is imported.

Publish-side hooks run wherever tasks are sent (gateway, workers, janitor); the rest run in
workers: `task_received`, `task_rejected` and `task_revoked` in the main process, the
`task_*run`, success, failure and retry hooks in pool processes.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

from codestory.observability import metrics

ENQUEUED_AT_HEADER = "codestory_enqueued_at"
_started: dict[str, float] = {}


def _queue_of(delivery_info: dict[str, Any] | None) -> str:
    return str((delivery_info or {}).get("routing_key") or "")


def _task_labels(task: Any) -> dict[str, str]:
    request = task.request
    return {
        "name": str(task.name),
        "queue_name": _queue_of(getattr(request, "delivery_info", None)),
        "hostname": str(getattr(request, "hostname", "") or ""),
    }


@signals.before_task_publish.connect
def on_publish(
    sender: str | None = None,
    headers: dict[str, Any] | None = None,
    routing_key: str | None = None,
    **_: Any,
) -> None:
    if headers is not None:
        headers.setdefault(ENQUEUED_AT_HEADER, time.time())
    metrics.TASK_SENT.labels(name=str(sender), queue_name=routing_key or "").inc()


@signals.beat_embedded_init.connect
def on_embedded_beat(**_: Any) -> None:
    """The janitor's scheduler runs in a process forked from the worker, and Celery closes
    every inherited descriptor there, the metric files' included. prometheus_client, on
    seeing the new pid, would close those files again (EBADF, a traceback on every
    publish) and keep writing through the parent's mappings. The scheduler starts afresh:
    files of its own pid for what it publishes, nothing carried over."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import values

        values.ValueClass = values.get_value_class()
        metrics.TASK_SENT.clear()


@signals.task_received.connect
def on_received(request: Any = None, **_: Any) -> None:
    metrics.TASK_RECEIVED.labels(
        name=request.name, queue_name=_queue_of(request.delivery_info), hostname=request.hostname
    ).inc()


@signals.task_prerun.connect
def on_prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
    labels = _task_labels(task)
    now = time.time()
    _started[task_id] = time.perf_counter()
    metrics.TASK_STARTED.labels(**labels).inc()
    metrics.TASKS_IN_FLIGHT.labels(queue=labels["queue_name"]).inc()
    metrics.WORKER_TASKS_ACTIVE.labels(hostname=labels["hostname"]).inc()
    enqueued = getattr(task.request, ENQUEUED_AT_HEADER, None)
    if isinstance(enqueued, int | float) and not task.request.eta:
        # Retries with a countdown are left out: their wait is the backoff we chose.
        metrics.TASK_QUEUE_WAIT.labels(
            name=labels["name"], queue_name=labels["queue_name"]
        ).observe(max(now - enqueued, 0.0))


@signals.task_postrun.connect
def on_postrun(task_id: str = "", task: Any = None, **_: Any) -> None:
    labels = _task_labels(task)
    metrics.TASKS_IN_FLIGHT.labels(queue=labels["queue_name"]).dec()
    metrics.WORKER_TASKS_ACTIVE.labels(hostname=labels["hostname"]).dec()
    started = _started.pop(task_id, None)
    if started is not None:
        metrics.TASK_RUNTIME.labels(**labels).observe(time.perf_counter() - started)


@signals.task_success.connect
def on_success(sender: Any = None, **_: Any) -> None:
    metrics.TASK_SUCCEEDED.labels(**_task_labels(sender)).inc()


@signals.task_failure.connect
def on_failure(sender: Any = None, exception: BaseException | None = None, **_: Any) -> None:
    metrics.TASK_FAILED.labels(
        **_task_labels(sender), exception=type(exception).__name__ if exception else ""
    ).inc()


@signals.task_retry.connect
def on_retry(sender: Any = None, **_: Any) -> None:
    metrics.TASK_RETRIED.labels(**_task_labels(sender)).inc()


@signals.task_rejected.connect
def on_rejected(message: Any = None, **_: Any) -> None:
    headers = getattr(message, "headers", None) or {}
    metrics.TASK_REJECTED.labels(
        name=str(headers.get("task", "")),
        queue_name=_queue_of(getattr(message, "delivery_info", None)),
        hostname="",
    ).inc()


@signals.task_revoked.connect
def on_revoked(request: Any = None, **_: Any) -> None:
    metrics.TASK_REVOKED.labels(
        name=str(getattr(request, "name", "")),
        queue_name=_queue_of(getattr(request, "delivery_info", None)),
        hostname=str(getattr(request, "hostname", "")),
    ).inc()


@signals.worker_ready.connect
def on_worker_ready(sender: Any = None, **_: Any) -> None:
    metrics.WORKER_UP.labels(hostname=str(sender.hostname)).set(1)


@signals.worker_shutdown.connect
def on_worker_shutdown(sender: Any = None, **_: Any) -> None:
    if sender is not None:
        metrics.WORKER_UP.labels(hostname=str(sender.hostname)).set(0)


@signals.worker_process_shutdown.connect
def on_process_shutdown(**_: Any) -> None:
    metrics.mark_process_dead(os.getpid())
