"""audio-worker: speak the script into a chaptered MP3, then mark the story complete."""

from __future__ import annotations

import json
from typing import Any

from codestory.artifacts import SCRIPT_ARTIFACT, ArtifactNotFoundError, story_artifact
from codestory.domain import Chapter, ErrorType, Status
from codestory.narrative import Script
from codestory.observability.metrics import STORIES_FINISHED, stage_timer
from codestory.observability.tracing import span
from codestory.queue import TASK_SYNTHESIZE_AUDIO, app
from codestory.settings import get_settings
from codestory.task_runtime import PermanentError, StoryRun, run_story_task

ACCEPTS = frozenset({Status.GENERATING, Status.SYNTHESIZING})
ARTIFACT_NAMES = {
    "audio": "story.mp3",
    "chapters": "chapters.vtt",
    "transcript": "transcript.txt",
    "manifest": "manifest.json",
}
settings = get_settings()


def load_script(run: StoryRun) -> Script:
    try:
        document = json.loads(run.artifacts.get(story_artifact(run.story.id, SCRIPT_ARTIFACT)))
    except ArtifactNotFoundError:
        raise PermanentError(
            "the story's script is missing from the artifact store", ErrorType.INTERNAL
        ) from None
    return Script.model_validate(document["script"])


def synthesize_story(run: StoryRun) -> None:
    # The speech stack is imported here so story workers never load it.
    from codestory.speech.engine import SpeechError, engine
    from codestory.speech.render import ChapterText, package_audio, speak_chapters

    run.advance(Status.SYNTHESIZING)
    script = load_script(run)
    run.progress("speak", f"Speaking {len(script.chapters)} chapters")

    def on_chapter(done: int, total: int) -> None:
        run.checkpoint()
        run.progress("speak", f"Spoke chapter {done} of {total}", done / total)

    speech = engine()
    try:
        with stage_timer("speak"):
            samples, timed, spent = speak_chapters(
                speech,
                [ChapterText(c.title, c.text) for c in script.chapters],
                voice=settings.voice,
                words_per_minute=settings.speech_words_per_minute,
                on_chapter=on_chapter,
                chapter_scope=lambda index, title: span(
                    "speak.chapter", **{"codestory.chapter": index, "codestory.title": title}
                ),
            )
    except SpeechError as exc:
        raise PermanentError(str(exc), ErrorType.INTERNAL) from None
    run.progress("encode", "Encoding the MP3 with chapter marks")
    with stage_timer("encode"):
        audio = package_audio(
            samples,
            timed,
            title=script.title,
            sample_rate=speech.sample_rate,
            bitrate_kbps=settings.mp3_bitrate_kbps,
            speech_seconds=spent,
        )
    run.progress("upload", "Storing the audio, chapters and transcript")
    keys = {name: story_artifact(run.story.id, file) for name, file in ARTIFACT_NAMES.items()}
    with stage_timer("upload"):
        run.artifacts.put(keys["audio"], audio.mp3)
        run.artifacts.put(keys["chapters"], audio.vtt.encode())
        run.artifacts.put(keys["transcript"], audio.transcript.encode())
    chapters = [
        Chapter(
            index=i,
            title=c.title,
            start_seconds=round(c.start_seconds, 3),
            duration_seconds=round(c.duration_seconds, 3),
        )
        for i, c in enumerate(audio.chapters)
    ]
    artifacts = {**run.story.artifacts, **keys}
    finished = run.story.model_copy(
        update={
            "status": Status.COMPLETE,
            "chapters": chapters,
            "duration_seconds": round(audio.duration_seconds, 3),
            "artifacts": artifacts,
        }
    )
    # The manifest lets completed work outlive a Redis loss.
    run.artifacts.put(keys["manifest"], finished.model_dump_json(indent=2).encode())
    run.advance(
        Status.COMPLETE,
        chapters=chapters,
        duration_seconds=finished.duration_seconds,
        artifacts=artifacts,
    )
    STORIES_FINISHED.labels(status="complete", error_type="").inc()
    minutes = audio.duration_seconds / 60
    run.progress("complete", f"Your tour is ready: {len(chapters)} chapters, {minutes:.1f} minutes")


@app.task(
    name=TASK_SYNTHESIZE_AUDIO,
    bind=True,
    soft_time_limit=max(settings.audio_time_limit_max - 30, 1),
    time_limit=settings.audio_time_limit_max,
    max_retries=settings.task_max_retries,
)
def synthesize(self: Any, story_id: str) -> str:
    return run_story_task(self, story_id, accepts=ACCEPTS, body=synthesize_story)
