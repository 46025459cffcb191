"""Counting the tasks a pool process cannot report: it was killed (OOM, SIGKILL) or cut
off at its hard time limit. The worker's main process sees both, through the request it
keeps for each task; these request and task classes count them there."""

from __future__ import annotations

import logging
from typing import Any

from billiard.einfo import ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery import Task
from celery.worker.request import Request

from codestory.observability import metrics

log = logging.getLogger("codestory.worker")


def count_lost(request: Request, reason: str) -> None:
    log.warning("task %s[%s] lost: %s", request.name, request.id, reason)
    delivery = request.delivery_info or {}
    metrics.TASKS_LOST.labels(
        name=str(request.name),
        queue_name=str(delivery.get("routing_key") or ""),
        hostname=str(request.hostname or ""),
        reason=reason,
    ).inc()


class CountingRequest(Request):  # type: ignore[misc]
    def on_timeout(self, soft: bool, timeout: float) -> None:
        if not soft:
            count_lost(self, "time_limit")
        super().on_timeout(soft, timeout)

    def on_failure(
        self, exc_info: Any, send_failed_event: bool = True, return_ok: bool = False
    ) -> None:
        # The pool hands the error over wrapped with its traceback; unwrapped as Celery does.
        error = getattr(exc_info, "exception", None)
        if isinstance(error, ExceptionWithTraceback):
            error = error.exc
        if isinstance(error, WorkerLostError):
            count_lost(self, "worker_lost")
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)


class CountingTask(Task):  # type: ignore[misc]
    Request = "codestory.observability.lost_tasks:CountingRequest"
