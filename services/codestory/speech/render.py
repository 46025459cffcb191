"""Speak a script chapter by chapter into one chaptered MP3, with timings from the samples."""

from __future__ import annotations

import array
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from codestory.speech.chapters import TimedChapter, chapters_vtt, transcript
from codestory.speech.engine import EspeakEngine
from codestory.speech.mp3 import encode_mp3, tag_chapters
from codestory.speech.text import Speaker

PAUSE_AFTER_TITLE_SECONDS = 0.5
PAUSE_BETWEEN_CHAPTERS_SECONDS = 1.0


@dataclass(frozen=True)
class ChapterText:
    title: str
    text: str


@dataclass(frozen=True)
class RenderedAudio:
    mp3: bytes
    vtt: str
    transcript: str
    chapters: list[TimedChapter]
    duration_seconds: float
    speech_seconds: float  # wall-clock time spent synthesising, for the real-time factor


def _silence(seconds: float, sample_rate: int) -> array.array[int]:
    return array.array("h", bytes(2 * round(seconds * sample_rate)))


def speak_chapters(
    engine: EspeakEngine,
    chapters: list[ChapterText],
    *,
    voice: str,
    words_per_minute: int,
    on_chapter: Callable[[int, int], None] | None = None,
    chapter_scope: Callable[[int, str], AbstractContextManager[object]] | None = None,
) -> tuple[array.array[int], list[TimedChapter], float]:
    """Return all samples, each chapter's timing, and the synthesis time.

    `chapter_scope(index, title)` wraps each chapter's synthesis (the audio worker opens a
    span there); this module stays free of tracing.
    """
    rate = engine.sample_rate
    samples = array.array("h")
    timed: list[TimedChapter] = []
    spent = 0.0
    speaker = Speaker()  # one per story: a path is spelled out once, then said short
    for index, chapter in enumerate(chapters):
        start = len(samples)
        began = time.perf_counter()
        with chapter_scope(index, chapter.title) if chapter_scope else nullcontext():
            samples += engine.synthesize(
                f"Chapter {index + 1}. {speaker.speak(chapter.title)}.",
                voice=voice,
                words_per_minute=words_per_minute,
            )
            samples += _silence(PAUSE_AFTER_TITLE_SECONDS, rate)
            samples += engine.synthesize(
                speaker.speak(chapter.text), voice=voice, words_per_minute=words_per_minute
            )
        spent += time.perf_counter() - began
        samples += _silence(PAUSE_BETWEEN_CHAPTERS_SECONDS, rate)
        timed.append(
            TimedChapter(
                title=chapter.title,
                text=chapter.text,
                start_seconds=start / rate,
                duration_seconds=(len(samples) - start) / rate,
            )
        )
        if on_chapter is not None:
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
    mp3 = encode_mp3(samples.tobytes(), sample_rate=sample_rate, bitrate_kbps=bitrate_kbps)
    return RenderedAudio(
        mp3=tag_chapters(mp3, title=title, chapters=timed),
        vtt=chapters_vtt(timed),
        transcript=transcript(title, timed),
        chapters=timed,
        duration_seconds=len(samples) / sample_rate,
        speech_seconds=speech_seconds,
    )
