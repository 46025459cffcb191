"""Queue and task names and the one Celery config dict. No side effects on import:
codestory.queue builds the app from this; benchmarks build a bare app from it too."""

from __future__ import annotations

from typing import Any

from kombu.entity import Exchange, Queue

from codestory.settings import Settings

QUEUE_STORIES = "stories"
QUEUE_AUDIO = "audio"
QUEUE_MAINTENANCE = "maintenance"
QUEUES = (QUEUE_STORIES, QUEUE_AUDIO, QUEUE_MAINTENANCE)

TASK_GENERATE_STORY = "codestory.story.generate"
TASK_SYNTHESIZE_AUDIO = "codestory.audio.synthesize"
TASK_SWEEP_STUCK = "codestory.janitor.sweep_stuck"
TASK_EXPIRE_OLD = "codestory.janitor.expire_old"
TASK_POD_DELETION_COSTS = "codestory.janitor.pod_deletion_costs"

TASK_QUEUES = {
    TASK_GENERATE_STORY: QUEUE_STORIES,
    TASK_SYNTHESIZE_AUDIO: QUEUE_AUDIO,
    TASK_SWEEP_STUCK: QUEUE_MAINTENANCE,
    TASK_EXPIRE_OLD: QUEUE_MAINTENANCE,
    TASK_POD_DELETION_COSTS: QUEUE_MAINTENANCE,
}

# Which queue each worker service consumes; the chart and `codestory up` read this.
SERVICE_QUEUES = {
    "story": QUEUE_STORIES,
    "audio": QUEUE_AUDIO,
    "janitor": QUEUE_MAINTENANCE,
}

TASK_MODULES = [
    "codestory.story_worker.tasks",
    "codestory.audio_worker.tasks",
    "codestory.janitor.tasks",
]

# The tasks each worker service runs: it imports only those, so an image carries only
# its own service's dependencies (tasks are sent by name, never imported to send).
SERVICE_TASK_MODULES = {
    "story": "codestory.story_worker.tasks",
    "audio": "codestory.audio_worker.tasks",
    "janitor": "codestory.janitor.tasks",
}

STORY_ID_HEADER = "codestory_story_id"


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
    }
    if settings.pod_deletion_cost:
        # A stale cost only misorders scale-in, so a late run is simply dropped.
        schedule["pod-deletion-costs"] = {
            "task": TASK_POD_DELETION_COSTS,
            "schedule": settings.pod_deletion_cost_seconds,
            "options": {"expires": settings.pod_deletion_cost_seconds},
        }
    return schedule
