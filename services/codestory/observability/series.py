"""Every counter a service increments, created at 0 when it starts, for each label value
known in advance. A series that first appears at 1 has no earlier sample: `rate()` and
`increase()` miss the first failure, and an alert on it never fires."""

from __future__ import annotations

from codestory.core.domain import (
    SOMETIMES_CLIENT_ERRORS,
    ErrorType,
    FailureCause,
    Status,
    failure_cause,
)
from codestory.core.queues import SERVICE_QUEUES, TASK_QUEUES
from codestory.observability import metrics

TASK_COUNTERS = (
    metrics.TASK_RECEIVED,
    metrics.TASK_STARTED,
    metrics.TASK_SUCCEEDED,
    metrics.TASK_RETRIED,
    metrics.TASK_REJECTED,
    metrics.TASK_REVOKED,
)
LOST_REASONS = ("worker_lost", "time_limit")


def stories_finished() -> None:
    metrics.STORIES_FINISHED.labels(status=str(Status.COMPLETE), error_type="", cause="")
    for error in ErrorType:
        causes = {failure_cause(error)}
        if error in SOMETIMES_CLIENT_ERRORS:
            causes.add(FailureCause.CLIENT)
        for cause in causes:
            metrics.STORIES_FINISHED.labels(
                status=str(Status.FAILED), error_type=str(error), cause=str(cause)
            )


def worker_series(service: str, hostname: str) -> None:
    queue = SERVICE_QUEUES.get(service)  # None for a worker of some other queue: no tasks known
    for name, task_queue in TASK_QUEUES.items():
        if queue is None or task_queue != queue:
            continue
        labels = {"name": name, "queue_name": queue, "hostname": hostname}
        for counter in TASK_COUNTERS:
            counter.labels(**labels)
        for reason in LOST_REASONS:
            metrics.TASKS_LOST.labels(**labels, reason=reason)
        # Failures are labelled by exception, which no one knows in advance: a series with
        # no exception stays at 0, so the failure rate of a task has data before its first.
        metrics.TASK_FAILED.labels(**labels, exception="")
    stories_finished()
    if service == "story":
        for narrator, outcome in (("template", "not_configured"), ("template", "fallback")):
            metrics.NARRATIONS.labels(narrator=narrator, outcome=outcome)
        metrics.NARRATIONS.labels(narrator="llm", outcome="used")
        for result in ("hit", "miss"):
            metrics.CACHE_LOOKUPS.labels(cache="analysis", result=result)
    if service == "audio":
        for result in ("hit", "miss"):
            metrics.CACHE_LOOKUPS.labels(cache="audio", result=result)


def gateway_series() -> None:
    stories_finished()  # the gateway's own pool tells stories in degraded mode
    for outcome in ("run", "refused"):
        metrics.DEGRADED_STORIES.labels(outcome=outcome)
