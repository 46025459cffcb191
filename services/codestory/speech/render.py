"""Speak a script chapter by chapter into one chaptered MP3, with timings from the samples."""

from __future__ import annotations

import array
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from codestory.narrative.sentences import split_sentences
from codestory.speech.chapters import Cue, TimedChapter, captions_vtt, chapters_vtt, transcript
from codestory.speech.engine import SpeechEngine
from codestory.speech.loudness import normalise
from codestory.speech.mp3 import encode_mp3, tag_chapters
from codestory.speech.pool import ChapterPool
from codestory.speech.text import Speaker

# Raise when the same script would sound or be captioned differently: old audio is not reused.
RENDER_VERSION = "4"
PAUSE_AFTER_TITLE_SECONDS = 0.5
PAUSE_BETWEEN_CHAPTERS_SECONDS = 1.0
PAUSE_BETWEEN_PARAGRAPHS_SECONDS = 0.35


@dataclass(frozen=True)
class ChapterText:
    title: str
    text: str


@dataclass(frozen=True)
class RenderedAudio:
    mp3: bytes
    vtt: str  # chapter marks
    captions: str  # one cue per sentence
    transcript: str
    chapters: list[TimedChapter]
    duration_seconds: float
    speech_seconds: float  # wall-clock time spent synthesising, for the real-time factor


@dataclass(frozen=True)
class SpokenChapter:
    """One chapter's audio (trailing pause included), cues from its own start, synthesis time."""

    samples: array.array[int]
    cues: tuple[Cue, ...]
    speech_seconds: float


class ChapterParts(Protocol):
    """Where each spoken chapter is kept, so a restarted rendering resumes at the first gap."""

    def load(self, index: int) -> SpokenChapter | None: ...
    def save(self, index: int, chapter: SpokenChapter) -> None: ...


def _silence(seconds: float, sample_rate: int) -> array.array[int]:
    return array.array("h", bytes(2 * round(seconds * sample_rate)))


@dataclass(frozen=True)
class _PlannedChapter:
    """A chapter's words as the voice gets them and as its captions show them."""

    heading: str
    paragraphs: tuple[tuple[tuple[str, str], ...], ...]  # per paragraph: (spoken, shown)


def _plan(chapters: list[ChapterText]) -> list[_PlannedChapter]:
    # The speaker shortens what it has said before, so every chapter's words are decided in
    # story order first; only then may chapters be synthesised in any order, or reused.
    speaker = Speaker()  # one per story: a path is spelled out once, then said short
    planned = []
    for index, chapter in enumerate(chapters):
        heading = f"Chapter {index + 1}. {speaker.speak(chapter.title)}."
        paragraphs = tuple(
            tuple(speaker.say(written) for written in split_sentences(paragraph))
            for paragraph in chapter.text.split("\n\n")
        )
        planned.append(_PlannedChapter(heading, paragraphs))
    return planned


def speak_chapters(
    engine: SpeechEngine,
    chapters: list[ChapterText],
    *,
    voice: str,
    words_per_minute: int,
    on_chapter: Callable[[int, int], None] | None = None,
    chapter_scope: Callable[[int, str], AbstractContextManager[object]] | None = None,
    parts: ChapterParts | None = None,
    workers: int = 1,
) -> tuple[array.array[int], list[TimedChapter], float]:
    """Return all samples, each chapter's timing, and the synthesis time.

    With `parts`, each chapter is saved once spoken and a chapter found there is not spoken
    again, so a rendering cut short resumes at its unspoken chapters.

    Up to `workers` chapters are spoken at once, in threads over the one engine, when the
    engine says it can speak concurrently (`concurrent = True`); the audio is the same
    either way. `on_chapter` is called in chapter order, in the caller's thread.

    `chapter_scope(index, title)` wraps each chapter's synthesis (the audio worker opens a
    span there); this module stays free of tracing.
    """
    rate = engine.sample_rate
    planned = _plan(chapters)

    def say(text: str) -> array.array[int]:
        return engine.synthesize(text, voice=voice, words_per_minute=words_per_minute)

    def speak(index: int) -> SpokenChapter:
        plan = planned[index]
        audio = array.array("h")
        cues: list[Cue] = []
        began = time.perf_counter()
        with chapter_scope(index, chapters[index].title) if chapter_scope else nullcontext():
            audio.extend(say(plan.heading))
            audio.extend(_silence(PAUSE_AFTER_TITLE_SECONDS, rate))
            for sentences in plan.paragraphs:
                for spoken, shown in sentences:
                    cue_start = len(audio)
                    audio.extend(say(spoken))
                    cues.append(Cue(cue_start / rate, len(audio) / rate, shown))
                audio.extend(_silence(PAUSE_BETWEEN_PARAGRAPHS_SECONDS, rate))
        taken = time.perf_counter() - began
        audio.extend(_silence(PAUSE_BETWEEN_CHAPTERS_SECONDS, rate))
        spoken_chapter = SpokenChapter(audio, tuple(cues), taken)
        if parts is not None:
            parts.save(index, spoken_chapter)  # as soon as it exists, whatever its order
        return spoken_chapter

    stored = [parts.load(i) if parts is not None else None for i in range(len(chapters))]
    missing = [i for i, found in enumerate(stored) if found is None]
    concurrent = bool(getattr(engine, "concurrent", False))
    threads = max(1, min(workers, len(missing))) if concurrent else 1
    samples = array.array("h")
    timed: list[TimedChapter] = []
    spent = 0.0
    with ChapterPool(threads) as pool:
        pending = {i: pool.submit(speak, i) for i in missing}
        for index, chapter in enumerate(chapters):
            found = stored[index]
            spoken = found if found is not None else pending[index].result()
            start = len(samples)
            offset = start / rate
            samples.extend(spoken.samples)
            spent += spoken.speech_seconds
            timed.append(
                TimedChapter(
                    title=chapter.title,
                    text=chapter.text,
                    start_seconds=offset,
                    duration_seconds=len(spoken.samples) / rate,
                    cues=tuple(
                        Cue(c.start_seconds + offset, c.end_seconds + offset, c.text)
                        for c in spoken.cues
                    ),
                )
            )
            if on_chapter is not None and found is None:
                on_chapter(index + 1, len(chapters))
    return samples, timed, spent


def package_audio(
    samples: array.array[int],
    timed: list[TimedChapter],
    *,
    title: str,
    sample_rate: int,
    bitrate_kbps: int,
    speech_seconds: float = 0.0,
) -> RenderedAudio:
    levelled = normalise(samples, sample_rate)
    mp3 = encode_mp3(levelled.tobytes(), sample_rate=sample_rate, bitrate_kbps=bitrate_kbps)
    return RenderedAudio(
        mp3=tag_chapters(mp3, title=title, chapters=timed),
        vtt=chapters_vtt(timed),
        captions=captions_vtt(timed),
        transcript=transcript(title, timed),
        chapters=timed,
        duration_seconds=len(samples) / sample_rate,
        speech_seconds=speech_seconds,
    )
