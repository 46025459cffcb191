"""The audio stage as the audio worker provides it to runtime.stages."""

from __future__ import annotations

from codestory.audio_worker.tasks import ACCEPTS, synthesize_story
from codestory.core.queues import TASK_SYNTHESIZE_AUDIO
from codestory.runtime.stages import Stage

STAGE = Stage(TASK_SYNTHESIZE_AUDIO, ACCEPTS, synthesize_story)
