"""The audio worker's Celery task: the audio stage (stage.py) under the task wrapper."""

from __future__ import annotations

from typing import Any

from codestory.audio_worker.stage import STAGE
from codestory.core.queues import TASK_SYNTHESIZE_AUDIO
from codestory.core.settings import get_settings
from codestory.runtime.celery_app import app
from codestory.runtime.task_runtime import run_story_task

settings = get_settings()


@app.task(
    name=TASK_SYNTHESIZE_AUDIO,
    bind=True,
    soft_time_limit=max(settings.audio_time_limit_max - 30, 1),
    time_limit=settings.audio_time_limit_max,
    max_retries=settings.task_max_retries,
)
def synthesize(self: Any, story_id: str) -> str:
    return run_story_task(self, story_id, accepts=STAGE.accepts, body=STAGE.body)
