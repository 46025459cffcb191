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


def speak_chapters(
    engine: SpeechEngine,
    chapters: list[ChapterText],
    *,
    voice: str,
    words_per_minute: int,
    on_chapter: Callable[[int, int], None] | None = None,
    chapter_scope: Callable[[int, str], AbstractContextManager[object]] | None = None,
    parts: ChapterParts | None = None,
) -> tuple[array.array[int], list[TimedChapter], float]:
    """Return all samples, each chapter's timing, and the synthesis time.

    With `parts`, each chapter is saved once spoken and a chapter found there is not spoken
    again, so a rendering cut short resumes at its first unspoken chapter.

    `chapter_scope(index, title)` wraps each chapter's synthesis (the audio worker opens a
    span there); this module stays free of tracing.
    """
    rate = engine.sample_rate
    samples = array.array("h")
    timed: list[TimedChapter] = []
    spent = 0.0
    speaker = Speaker()  # one per story: a path is spelled out once, then said short

    def say(text: str) -> array.array[int]:
        return engine.synthesize(text, voice=voice, words_per_minute=words_per_minute)

    def speak(index: int, chapter: ChapterText) -> SpokenChapter:
        audio = array.array("h")
        cues: list[Cue] = []
        began = time.perf_counter()
        with chapter_scope(index, chapter.title) if chapter_scope else nullcontext():
            audio.extend(say(f"Chapter {index + 1}. {speaker.speak(chapter.title)}."))
            audio.extend(_silence(PAUSE_AFTER_TITLE_SECONDS, rate))
            for paragraph in chapter.text.split("\n\n"):
                for written in split_sentences(paragraph):
                    cue_start = len(audio)
                    spoken, shown = speaker.say(written)
                    audio.extend(say(spoken))
                    cues.append(Cue(cue_start / rate, len(audio) / rate, shown))
                audio.extend(_silence(PAUSE_BETWEEN_PARAGRAPHS_SECONDS, rate))
        taken = time.perf_counter() - began
        audio.extend(_silence(PAUSE_BETWEEN_CHAPTERS_SECONDS, rate))
        return SpokenChapter(audio, tuple(cues), taken)

    def replay(chapter: ChapterText) -> None:
        # The speaker shortens what it has said before; walking a stored chapter's words
        # keeps the chapters after it sounding as they would have without the restart.
        speaker.speak(chapter.title)
        for paragraph in chapter.text.split("\n\n"):
            for written in split_sentences(paragraph):
                speaker.speak(written)

    for index, chapter in enumerate(chapters):
        stored = parts.load(index) if parts is not None else None
        if stored is not None:
            replay(chapter)
            spoken = stored
        else:
            spoken = speak(index, chapter)
            if parts is not None:
                parts.save(index, spoken)
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
        if on_chapter is not None and stored is None:
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
