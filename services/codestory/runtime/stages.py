"""The stages of a story as the workers provide them: a task name, the statuses a stage
takes a story from, and its body. Celery runs each in its worker's task; the gateway's
degraded mode runs them in its own threads, through this seam and never the task modules."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codestory.core.domain import Status

if TYPE_CHECKING:
    from codestory.runtime.task_runtime import StoryRun

# The module that provides each stage as `STAGE`, in the order a story goes through them.
# Named, not imported: a process loads a stage only when it runs one.
STAGE_PROVIDERS = ("codestory.story_worker.stage", "codestory.audio_worker.stage")


@dataclass(frozen=True)
class Stage:
    task: str  # the Celery task that runs it (codestory.core.queues)
    accepts: frozenset[Status]  # the statuses it takes a story from
    body: Callable[[StoryRun], None]


def pipeline() -> list[Stage]:
    """Every stage, in order: the story stage, then the audio stage."""
    stages = [importlib.import_module(name).STAGE for name in STAGE_PROVIDERS]
    assert all(isinstance(stage, Stage) for stage in stages)
    return stages
