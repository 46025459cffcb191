"""The story worker's Celery tasks: the story stage (stage.py) under the task wrapper, and
the check of a watched repository (watch_check.py)."""

from __future__ import annotations

from typing import Any

from codestory.core.queues import TASK_CHECK_WATCH, TASK_GENERATE_STORY
from codestory.core.settings import get_settings
from codestory.runtime.celery_app import app
from codestory.runtime.submission import quotas_for
from codestory.runtime.task_runtime import run_story_task, worker_store
from codestory.story_worker.stage import STAGE
from codestory.story_worker.watch_check import check_watch, remote_commit

settings = get_settings()


@app.task(
    name=TASK_GENERATE_STORY,
    bind=True,
    rate_limit=settings.story_rate_limit or None,
    soft_time_limit=settings.story_soft_time_limit,
    time_limit=settings.story_time_limit,
    max_retries=settings.task_max_retries,
)
def generate(self: Any, story_id: str) -> str:
    return run_story_task(self, story_id, accepts=STAGE.accepts, body=STAGE.body)


@app.task(name=TASK_CHECK_WATCH, ignore_result=True, soft_time_limit=120, time_limit=150)
def check_watched(watch_id: str) -> str:
    store = worker_store()
    return check_watch(store, quotas_for(settings, store), app, watch_id, remote_commit(settings))
