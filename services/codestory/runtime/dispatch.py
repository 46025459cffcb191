"""Enqueueing work. Messages carry the story id only; the record holds everything else."""

from __future__ import annotations

from celery import Celery

from codestory.core.domain import Status
from codestory.core.queues import (
    QUEUE_AUDIO,
    QUEUE_STORIES,
    STORY_ID_HEADER,
    TASK_CHECK_WATCH,
    TASK_GENERATE_STORY,
    TASK_SYNTHESIZE_AUDIO,
)
from codestory.core.settings import Settings

# Synthesis runs at a few hundred times real time; the budget leaves wide room for a slow
# or shared core while still catching a task that hangs.
AUDIO_SECONDS_PER_SPOKEN_SECOND = 0.2
AUDIO_GRACE_SECONDS = 30.0


def audio_time_limits(words: int | None, settings: Settings) -> tuple[float, float]:
    """Soft and hard limits for speaking `words` words, within the configured bounds.

    With no word count (a requeue by the janitor), the widest limits apply.
    """
    if words is None:
        hard = settings.audio_time_limit_max
        return max(hard - AUDIO_GRACE_SECONDS, 1.0), hard
    spoken_seconds = words / settings.speech_words_per_minute * 60
    soft = max(
        settings.audio_soft_time_limit_min,
        AUDIO_GRACE_SECONDS + spoken_seconds * AUDIO_SECONDS_PER_SPOKEN_SECOND,
    )
    hard = min(soft + AUDIO_GRACE_SECONDS, settings.audio_time_limit_max)
    return min(soft, hard - 1), hard


def enqueue_story(app: Celery, story_id: str, *, countdown: float | None = None) -> str:
    result = app.send_task(
        TASK_GENERATE_STORY,
        args=[story_id],
        queue=QUEUE_STORIES,
        headers={STORY_ID_HEADER: story_id},
        countdown=countdown,
        ignore_result=True,
    )
    return str(result.id)


def enqueue_watch_check(app: Celery, watch_id: str, *, expires: float) -> str:
    """Ask a story worker whether a watched ref has moved. A check still waiting after
    `expires` seconds is dropped: the next scan sends a fresh one."""
    result = app.send_task(
        TASK_CHECK_WATCH,
        args=[watch_id],
        queue=QUEUE_STORIES,
        expires=expires,
        ignore_result=True,
    )
    return str(result.id)


def enqueue_audio(
    app: Celery,
    story_id: str,
    words: int | None,
    settings: Settings,
    *,
    countdown: float | None = None,
) -> str:
    soft, hard = audio_time_limits(words, settings)
    result = app.send_task(
        TASK_SYNTHESIZE_AUDIO,
        args=[story_id],
        queue=QUEUE_AUDIO,
        headers={STORY_ID_HEADER: story_id},
        soft_time_limit=soft,
        time_limit=hard,
        countdown=countdown,
        ignore_result=True,
    )
    return str(result.id)


def enqueue_stage(
    app: Celery,
    story_id: str,
    status: Status,
    settings: Settings,
    *,
    countdown: float | None = None,
) -> str:
    """Send a story to the worker for the stage it is at: speaking, or everything before."""
    if status is Status.SYNTHESIZING:
        return enqueue_audio(app, story_id, None, settings, countdown=countdown)
    return enqueue_story(app, story_id, countdown=countdown)
