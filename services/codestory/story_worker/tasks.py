"""The story worker's Celery task: the story stage (stage.py) under the task wrapper."""

from __future__ import annotations

from typing import Any

from codestory.core.queues import TASK_GENERATE_STORY
from codestory.core.settings import get_settings
from codestory.runtime.celery_app import app
from codestory.runtime.task_runtime import run_story_task
from codestory.story_worker.stage import STAGE

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
