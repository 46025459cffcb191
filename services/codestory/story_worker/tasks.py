"""story-worker: fetch, analyse and narrate, then hand the script to the audio queue."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from codestory.analysis import AnalysisError, analyse
from codestory.artifacts import SCRIPT_ARTIFACT, story_artifact
from codestory.dispatch import enqueue_audio
from codestory.domain import Status, repository_name
from codestory.narrative import write_script
from codestory.observability.metrics import stage_timer
from codestory.queue import TASK_GENERATE_STORY, app
from codestory.settings import get_settings
from codestory.story_worker.fetch import fetch_repository
from codestory.task_runtime import PermanentError, StoryRun, run_story_task

ACCEPTS = frozenset({Status.QUEUED, Status.ANALYZING, Status.GENERATING})
settings = get_settings()


def generate_story(run: StoryRun) -> None:
    story = run.story
    run.advance(Status.ANALYZING)
    run.progress("fetch", f"Fetching {story.repository_url}")
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.work_dir, prefix="story-") as work:
        with stage_timer("fetch"):
            checkout = fetch_repository(story.repository_url, story.ref, Path(work), settings)
        run.progress("fetch", "Repository fetched", 1.0)
        run.checkpoint()
        run.progress("analyse", "Reading the code: languages, layout, modules and imports")
        try:
            with stage_timer("analyse"):
                facts = analyse(
                    checkout,
                    name=repository_name(story.repository_url),
                    max_files=settings.max_repo_files,
                    max_bytes=settings.max_repo_bytes,
                )
        except AnalysisError as exc:
            raise PermanentError(str(exc), exc.error_type) from None
    run.progress(
        "analyse",
        f"Found {facts.total_files} files, {facts.code_lines} lines of code",
        1.0,
    )
    run.checkpoint()
    run.advance(Status.GENERATING)
    run.progress("narrate", "Writing the chapters")
    with stage_timer("narrate"):
        script = write_script(
            facts, style=story.style, level=story.expertise_level, focus_areas=story.focus_areas
        )
    document: dict[str, Any] = {
        "script": script.model_dump(mode="json"),
        "facts": facts.model_dump(mode="json", exclude={"modules", "symbol_names"}),
    }
    key = story_artifact(story.id, SCRIPT_ARTIFACT)
    run.artifacts.put(key, json.dumps(document, indent=2).encode())
    run.progress("narrate", f"Wrote {len(script.chapters)} chapters, {script.words} words", 1.0)
    run.checkpoint()
    enqueue_audio(app, story.id, script.words, settings)
    run.advance(Status.SYNTHESIZING, title=facts.name, artifacts={**story.artifacts, "script": key})
    run.progress("speak", "Waiting for an audio worker")


@app.task(
    name=TASK_GENERATE_STORY,
    bind=True,
    rate_limit=settings.story_rate_limit,
    soft_time_limit=settings.story_soft_time_limit,
    time_limit=settings.story_time_limit,
    max_retries=settings.task_max_retries,
)
def generate(self: Any, story_id: str) -> str:
    return run_story_task(self, story_id, accepts=ACCEPTS, body=generate_story)
