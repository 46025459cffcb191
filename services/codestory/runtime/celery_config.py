"""The one Celery config dict and the beat schedule. No side effects on import:
codestory.runtime.celery_app builds the app from this; benchmarks build a bare app from it too."""

from __future__ import annotations

from typing import Any

from kombu.entity import Exchange, Queue

from codestory.core.queues import (
    QUEUE_STORIES,
    QUEUES,
    TASK_CHECK_WATCHES,
    TASK_EXPIRE_OLD,
    TASK_POD_DELETION_COSTS,
    TASK_QUEUES,
    TASK_SWEEP_STUCK,
)
from codestory.core.settings import Settings


def celery_config(settings: Settings) -> dict[str, Any]:
    """Every Celery setting, in one place, identical in every process."""
    transport = {"visibility_timeout": settings.visibility_timeout}
    return {
        "broker_url": settings.celery_broker_url,
        "result_backend": settings.celery_result_backend,
        "broker_transport_options": transport,
        "result_backend_transport_options": transport,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "timezone": "UTC",
        "enable_utc": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "result_expires": 24 * 3600,
        # The story record holds every outcome and nobody reads Celery's results: storing
        # them cost each submission a SUBSCRIBE and UNSUBSCRIBE on a result channel and
        # each task two more writes. Workers still send task events for monitors, but a
        # sent event per submission is a PUBLISH on the gateway's hot path for no reader.
        "task_ignore_result": True,
        "worker_send_task_events": True,
        "task_send_sent_event": False,
        "worker_max_tasks_per_child": settings.worker_max_tasks_per_child,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_default_queue": QUEUE_STORIES,
        "task_queues": [Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        "task_routes": {name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
        "task_publish_retry_policy": {
            "max_retries": 3,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "redbeat_redis_url": settings.celery_broker_url,
        "redbeat_key_prefix": "codestory:redbeat",
        # Retry a lost connection for a while instead of crashing beat on a broker blip.
        "redbeat_redis_options": {"retry_period": 60},
        # RedBeat's own rule: a janitor that stops renewing loses the lock after five loops,
        # and another janitor takes over scheduling.
        "beat_max_loop_interval": min(settings.janitor_sweep_seconds, 30),
        "redbeat_lock_timeout": int(min(settings.janitor_sweep_seconds, 30) * 5) + 1,
        "beat_schedule": beat_schedule(settings),
    }


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """The janitor's periodic tasks (one scheduler for all janitors: RedBeat's lock)."""
    schedule: dict[str, dict[str, Any]] = {
        "sweep-stuck-stories": {
            "task": TASK_SWEEP_STUCK,
            "schedule": settings.janitor_sweep_seconds,
        },
        "expire-old-stories": {
            "task": TASK_EXPIRE_OLD,
            "schedule": settings.janitor_expire_seconds,
        },
        # A late scan is dropped: the next one finds the same watches due.
        "check-watches": {
            "task": TASK_CHECK_WATCHES,
            "schedule": settings.watch_scan_seconds,
            "options": {"expires": settings.watch_scan_seconds},
        },
    }
    if settings.pod_deletion_cost:
        # A stale cost only misorders scale-in, so a late run is simply dropped.
        schedule["pod-deletion-costs"] = {
            "task": TASK_POD_DELETION_COSTS,
            "schedule": settings.pod_deletion_cost_seconds,
            "options": {"expires": settings.pod_deletion_cost_seconds},
        }
    return schedule
