"""The audio stage: speak the script into a chaptered MP3, store it, mark the story complete.
Run by the audio worker's task (tasks.py), or by the gateway in degraded mode."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from codestory.artifacts.backends import (
    ArtifactNotFoundError,
)
from codestory.artifacts.cache import audio_key, load_audio, save_audio
from codestory.artifacts.kinds import STORY_FILES, story_artifact
from codestory.audio_worker.chapter_parts import ChapterCache, StoredChapterParts, parts_prefix
from codestory.audio_worker.memory import release_free_memory
from codestory.core.cpus import available_cpus
from codestory.core.domain import Chapter, ErrorType, Status
from codestory.core.queues import TASK_SYNTHESIZE_AUDIO
from codestory.core.settings import SpeechEngineChoice, get_settings
from codestory.narrative import Script, evidence_sidecar
from codestory.observability.metrics import SPEECH_RUNS, STORIES_FINISHED, stage_timer
from codestory.observability.tracing import span
from codestory.runtime.stages import Stage
from codestory.runtime.task_runtime import PermanentError, StoryRun

ACCEPTS = frozenset({Status.GENERATING, Status.SYNTHESIZING})
settings = get_settings()
log = logging.getLogger("codestory.audio")

if TYPE_CHECKING:
    from codestory.speech.engine import SpeechEngine


def load_script(run: StoryRun) -> Script:
    try:
        document = json.loads(run.artifacts.get(story_artifact(run.story.id, "script")))
    except ArtifactNotFoundError:
        raise PermanentError(
            "the story's script is missing from the artifact store", ErrorType.INTERNAL
        ) from None
    return Script.model_validate(document["script"])


def voices() -> list[tuple[str, str, Callable[[], SpeechEngine]]]:
    """(engine label, voice, maker) in the order to try them: the speech service if set,
    then hibari unless espeak-ng is chosen, and espeak-ng last, which is always there.

    Makers load nothing until called: a pool process that never speaks never loads hibari.
    """
    from codestory.speech.engine import engine
    from codestory.speech.http_engine import HttpSpeechEngine
    from codestory.speech.neural_engine import ENGINE_NAME, neural_engine

    found: list[tuple[str, str, Callable[[], SpeechEngine]]] = []
    if settings.tts_base_url:
        found.append(
            (
                f"http:{settings.tts_model}",
                settings.tts_voice,
                lambda: HttpSpeechEngine(
                    settings.tts_base_url,
                    model=settings.tts_model,
                    voice=settings.tts_voice,
                    api_key=settings.tts_api_key,
                    timeout=settings.tts_timeout_seconds,
                ),
            )
        )
    if settings.speech_engine is SpeechEngineChoice.HIBARI:
        found.append(
            (ENGINE_NAME, settings.hibari_voice, lambda: neural_engine(settings.hibari_voice))
        )
    found.append(
        ("espeak-ng", settings.voice, lambda: engine(word_gap_ms=settings.espeak_word_gap_ms))
    )
    return found


def render_audio(
    run: StoryRun, script: Script, speech: SpeechEngine, rendering: str, sound: str
) -> dict[str, bytes]:
    """Speak and encode the script; return the files the audio cache keeps.

    `rendering` names this script spoken this way: chapters stored under it by an earlier,
    interrupted delivery are reused, so the work resumes at the first unspoken chapter.
    """
    from codestory.speech.render import ChapterText, package_audio, speak_and_encode

    run.progress("speak", f"Speaking {len(script.chapters)} chapters with {speech.name}")
    total = len(script.chapters)

    def on_reuse(index: int) -> None:
        run.progress(
            "speak",
            f"Chapter {index + 1} of {total} was spoken before the restart; reusing it",
            (index + 1) / total,
        )

    parts = StoredChapterParts(run.artifacts, run.story.id, rendering, on_reuse)
    shared = ChapterCache(run.artifacts)

    def on_chapter(done: int, total: int) -> None:
        run.checkpoint()
        run.progress("speak", f"Spoke chapter {done} of {total}", done / total)

    # Speaking includes levelling and encoding each chapter as it comes (they overlap the
    # chapters still being spoken); "encode" is what is left after the last: the encoder's
    # last frames and the chapter tags.
    with stage_timer("speak"):
        encoded = speak_and_encode(
            speech,
            [ChapterText(c.title, c.text) for c in script.chapters],
            voice=settings.voice,
            words_per_minute=settings.speech_words_per_minute,
            bitrate_kbps=settings.mp3_bitrate_kbps,
            on_chapter=on_chapter,
            parts=parts,
            shared=shared,
            sound=sound,
            workers=settings.speech_chapter_workers or available_cpus(),
            chapter_scope=lambda index, title: span(
                "speak.chapter", **{"codestory.chapter": index, "codestory.title": title}
            ),
        )
    if encoded.reused:
        run.progress(
            "speak",
            f"{len(encoded.reused)} of {total} chapters say what an earlier telling said; "
            "their audio was reused",
            1.0,
        )
    run.progress("encode", "Encoding the MP3 with chapter marks")
    with stage_timer("encode"):
        audio = package_audio(encoded, title=script.title)
    timing = {
        "duration_seconds": round(audio.duration_seconds, 3),
        "chapters": [
            {
                "title": c.title,
                "start_seconds": round(c.start_seconds, 3),
                "duration_seconds": round(c.duration_seconds, 3),
                "reused": index in audio.reused,
            }
            for index, c in enumerate(audio.chapters)
        ],
    }
    return {
        "audio": audio.mp3,
        "chapters": audio.vtt.encode(),
        "captions": audio.captions.encode(),
        "transcript": audio.transcript.encode(),
        "timing": json.dumps(timing).encode(),
    }


def speak_script(run: StoryRun, script: Script) -> tuple[dict[str, bytes], str, str, bool]:
    """The story's audio files, the engine and voice that spoke them, and whether they were
    cached.

    Each voice is tried in turn: its cached audio, else a fresh rendering. A speech service
    that fails hands the whole story to the next voice, so a story never mixes two voices.
    """
    from codestory.speech.engine import SpeechError
    from codestory.speech.render import RENDER_VERSION

    shape = {
        "words_per_minute": settings.speech_words_per_minute,
        "espeak_word_gap_ms": settings.espeak_word_gap_ms,
        "bitrate_kbps": settings.mp3_bitrate_kbps,
        "render": RENDER_VERSION,
    }
    failures: list[str] = []
    for label, voice, make in voices():
        folder = audio_key(script.model_dump(mode="json"), voice=voice, engine=label, shape=shape)
        cached = load_audio(run.artifacts, folder)
        if cached is not None:
            run.progress("speak", "This script was spoken before; reusing its audio", 1.0)
            SPEECH_RUNS.labels(engine=label.split(":")[0], outcome="cached").inc()
            return cached.files, label, voice, True
        try:
            rendering = folder.rstrip("/").rsplit("/", 1)[-1]
            # Everything but the words that shapes a chapter's sound, for the chapter cache.
            sound = json.dumps([label, shape], sort_keys=True)
            files = render_audio(run, script, make(), rendering, sound)
        except SpeechError as exc:
            SPEECH_RUNS.labels(engine=label.split(":")[0], outcome="failed").inc()
            failures.append(f"{label}: {exc}")
            log.warning("speech engine failed", extra={"engine": label, "reason": str(exc)})
            run.progress("speak", f"{exc}; trying the next voice")
            continue
        SPEECH_RUNS.labels(engine=label.split(":")[0], outcome="spoken").inc()
        save_audio(run.artifacts, folder, files)
        return files, label, voice, False
    raise PermanentError(
        "no voice could speak the story: " + "; ".join(failures), ErrorType.INTERNAL
    )


def synthesize_story(run: StoryRun) -> None:
    run.advance(Status.SYNTHESIZING)
    script = load_script(run)
    files, engine_label, voice, cached = speak_script(run, script)
    release_free_memory()  # what speaking the chapters freed, not kept until the next story
    timing = json.loads(files["timing"])
    run.progress("upload", "Storing the audio, chapters and transcript")
    keys = {name: story_artifact(run.story.id, name) for name in STORY_FILES}
    with stage_timer("upload"):
        for name in ("audio", "chapters", "captions", "transcript"):
            run.artifacts.put(keys[name], files[name])
        # Each caption cue's sources, numbered as the captions are: the claims' evidence.
        sidecar = json.dumps(evidence_sidecar(script), indent=1).encode()
        run.artifacts.put(keys["evidence"], sidecar)
    chapters = [
        Chapter(
            index=i,
            title=c["title"],
            start_seconds=c["start_seconds"],
            duration_seconds=c["duration_seconds"],
            reused=c.get("reused", False),
        )
        for i, c in enumerate(timing["chapters"])
    ]
    artifacts = {**run.story.artifacts, **keys}
    cache = {**run.story.cache, "audio": "hit" if cached else "miss"}
    engine_name = engine_label.split(":")[0]
    finished = run.story.model_copy(
        update={
            "status": Status.COMPLETE,
            "chapters": chapters,
            "duration_seconds": timing["duration_seconds"],
            "artifacts": artifacts,
            "cache": cache,
            "speech_engine": engine_name,
            "speech_voice": voice,
        }
    )
    # The manifest lets completed work outlive a Redis loss.
    run.artifacts.put(keys["manifest"], finished.model_dump_json(indent=2).encode())
    # The spoken chapters are not needed once the MP3 is stored; gone before "complete".
    run.artifacts.delete_prefix(parts_prefix(run.story.id))
    run.advance(
        Status.COMPLETE,
        chapters=chapters,
        duration_seconds=finished.duration_seconds,
        artifacts=artifacts,
        cache=cache,
        speech_engine=engine_name,
        speech_voice=voice,
    )
    STORIES_FINISHED.labels(status="complete", error_type="", cause="").inc()
    minutes = timing["duration_seconds"] / 60
    run.progress("complete", f"Your tour is ready: {len(chapters)} chapters, {minutes:.1f} minutes")


STAGE = Stage(TASK_SYNTHESIZE_AUDIO, ACCEPTS, synthesize_story)
