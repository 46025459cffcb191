"""Speak a script chapter by chapter into one chaptered MP3, with timings from the samples.

Each chapter is levelled on its own as soon as it is spoken (speech/loudness.py says why
that suits one voice), and fed, in story order, to one MP3 encoder while later chapters
are still being spoken: a story's memory is a few chapters' samples, never the whole.
"""

from __future__ import annotations

import array
import hashlib
import json
import time
from collections.abc import Callable, Generator
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass
from typing import Protocol

from codestory.narrative.sentences import split_sentences
from codestory.speech.chapters import Cue, TimedChapter, captions_vtt, chapters_vtt, transcript
from codestory.speech.engine import SpeechEngine
from codestory.speech.loudness import normalise
from codestory.speech.mp3 import Mp3Stream, tag_chapters
from codestory.speech.pool import ChapterPool
from codestory.speech.text import Speaker

# Raise when the same script would sound or be captioned differently: old audio is not reused.
RENDER_VERSION = "5"  # 5: each chapter levelled on its own
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
    reused: tuple[int, ...] = ()  # chapters taken from another story's, by index


@dataclass(frozen=True)
class EncodedStory:
    """The story's MP3 (untagged) and what its sample counts say about it."""

    mp3: bytes
    chapters: list[TimedChapter]
    duration_seconds: float
    speech_seconds: float  # wall-clock time spent synthesising, for the real-time factor
    reused: tuple[int, ...] = ()  # chapters taken from another story's, by index


@dataclass(frozen=True)
class SpokenChapter:
    """One chapter's audio (trailing pause included, levelled unless asked not to be),
    cues from its own start, and the time its synthesis took."""

    samples: array.array[int]
    cues: tuple[Cue, ...]
    speech_seconds: float


class ChapterParts(Protocol):
    """Where each spoken chapter is kept, so a restarted rendering resumes at the first gap."""

    def has(self, index: int) -> bool: ...
    def load(self, index: int) -> SpokenChapter | None: ...
    def save(self, index: int, chapter: SpokenChapter) -> None: ...


class SharedChapters(Protocol):
    """Spoken chapters kept across stories by what they say and how they sound (`key`), so a
    retold story speaks again only the chapters whose words changed."""

    def has(self, key: str) -> bool: ...
    def load(self, key: str) -> SpokenChapter | None: ...
    def save(self, key: str, chapter: SpokenChapter) -> None: ...


def chapter_key(plan: _PlannedChapter, *, sound: str, voice: str, words_per_minute: int) -> str:
    """What a chapter's audio is made of: its heading and sentences as the voice gets them
    and as the captions show them, the voice and everything else that shapes the sound."""
    made_of = [RENDER_VERSION, sound, voice, words_per_minute, plan.heading, plan.paragraphs]
    return hashlib.sha256(json.dumps(made_of).encode()).hexdigest()


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


def spoken_chapters(
    engine: SpeechEngine,
    chapters: list[ChapterText],
    *,
    voice: str,
    words_per_minute: int,
    chapter_scope: Callable[[int, str], AbstractContextManager[object]] | None = None,
    parts: ChapterParts | None = None,
    shared: SharedChapters | None = None,
    sound: str = "",
    workers: int = 1,
    level: bool = True,
) -> Generator[tuple[SpokenChapter, str], None, None]:
    """Each chapter in story order, and where it came from: "spoken" now, "resumed" from
    `parts` (this story's, left by an interrupted delivery) or "reused" from `shared`
    (another story's chapter with the same words, voice and `sound`).

    Up to `workers` chapters are spoken at once, in threads over the one engine, when the
    engine says it can speak concurrently (`concurrent = True`); the audio is the same
    either way. A chapter is levelled (`level`) in the thread that spoke it and saved in
    `parts` at once, whatever its place in the story, so a rendering cut short resumes at
    its unspoken chapters. Chapters finished ahead of their turn wait here (the reorder
    buffer) until those before them are taken. Stored chapters are read when their turn
    comes, not all at the start.

    Close the iterator (`contextlib.closing`) when leaving it early: chapters not begun
    are dropped and those under way finished before it returns.

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
        spoken_chapter = SpokenChapter(
            normalise(audio, rate) if level else audio, tuple(cues), taken
        )
        if parts is not None:
            parts.save(index, spoken_chapter)  # as soon as it exists, whatever its order
        if shared is not None:
            shared.save(keys[index], spoken_chapter)
        return spoken_chapter

    keys = [
        chapter_key(p, sound=sound, voice=voice, words_per_minute=words_per_minute) for p in planned
    ]
    stored = [parts is not None and parts.has(i) for i in range(len(chapters))]
    known = [
        not stored[i] and shared is not None and shared.has(keys[i]) for i in range(len(chapters))
    ]
    missing = [i for i in range(len(chapters)) if not stored[i] and not known[i]]
    concurrent = bool(getattr(engine, "concurrent", False))
    threads = max(1, min(workers, len(missing))) if concurrent else 1
    with ChapterPool(threads) as pool:
        pending = {i: pool.submit(speak, i) for i in missing}
        for index in range(len(chapters)):
            found = parts.load(index) if parts is not None and stored[index] else None
            reused = shared.load(keys[index]) if shared is not None and known[index] else None
            if found is not None:
                yield found, "resumed"
            elif reused is not None:
                if parts is not None:  # a restart after this resumes without the cache
                    parts.save(index, reused)
                yield reused, "reused"
            elif index in pending:
                yield pending.pop(index).result(), "spoken"
            else:
                yield speak(index), "spoken"  # kept but unreadable: spoken again, here


def speak_and_encode(
    engine: SpeechEngine,
    chapters: list[ChapterText],
    *,
    voice: str,
    words_per_minute: int,
    bitrate_kbps: int,
    on_chapter: Callable[[int, int], None] | None = None,
    chapter_scope: Callable[[int, str], AbstractContextManager[object]] | None = None,
    parts: ChapterParts | None = None,
    shared: SharedChapters | None = None,
    sound: str = "",
    workers: int = 1,
) -> EncodedStory:
    """Speak, level and encode every chapter; chapter times come from the sample counts.

    Each chapter goes into the one encoder as soon as it and all before it are spoken,
    while the threads speak on (LAME releases the GIL), so encoding overlaps synthesis.
    `on_chapter(done, total)` is called in chapter order, in the caller's thread, for each
    chapter spoken now (not for those found in `parts`).
    """
    rate = engine.sample_rate
    encoder = Mp3Stream(sample_rate=rate, bitrate_kbps=bitrate_kbps)
    timed: list[TimedChapter] = []
    position, spent = 0, 0.0
    spoken_in_order = spoken_chapters(
        engine,
        chapters,
        voice=voice,
        words_per_minute=words_per_minute,
        chapter_scope=chapter_scope,
        parts=parts,
        shared=shared,
        sound=sound,
        workers=workers,
    )
    reused: list[int] = []
    with closing(spoken_in_order):
        for index, (spoken, source) in enumerate(spoken_in_order):
            if source == "reused":
                reused.append(index)
            encoder.add(spoken.samples.tobytes())
            offset = position / rate
            timed.append(_timed(chapters[index], spoken, offset, rate))
            position += len(spoken.samples)
            spent += spoken.speech_seconds
            if on_chapter is not None and source == "spoken":
                on_chapter(index + 1, len(chapters))
    return EncodedStory(encoder.finish(), timed, position / rate, spent, tuple(reused))


def _timed(chapter: ChapterText, spoken: SpokenChapter, offset: float, rate: int) -> TimedChapter:
    return TimedChapter(
        title=chapter.title,
        text=chapter.text,
        start_seconds=offset,
        duration_seconds=len(spoken.samples) / rate,
        cues=tuple(
            Cue(c.start_seconds + offset, c.end_seconds + offset, c.text) for c in spoken.cues
        ),
    )


def package_audio(encoded: EncodedStory, *, title: str) -> RenderedAudio:
    """The MP3 with its chapter marks, the WebVTT files and the transcript."""
    timed = encoded.chapters
    return RenderedAudio(
        mp3=tag_chapters(encoded.mp3, title=title, chapters=timed),
        vtt=chapters_vtt(timed),
        captions=captions_vtt(timed),
        transcript=transcript(title, timed),
        chapters=timed,
        duration_seconds=encoded.duration_seconds,
        speech_seconds=encoded.speech_seconds,
        reused=encoded.reused,
    )


def render_story(
    engine: SpeechEngine,
    chapters: list[ChapterText],
    *,
    title: str,
    voice: str,
    words_per_minute: int,
    bitrate_kbps: int = 64,
    parts: ChapterParts | None = None,
    shared: SharedChapters | None = None,
    workers: int = 1,
) -> RenderedAudio:
    """The whole audio stage in one call, as the benchmarks and tests run it."""
    encoded = speak_and_encode(
        engine,
        chapters,
        voice=voice,
        words_per_minute=words_per_minute,
        bitrate_kbps=bitrate_kbps,
        parts=parts,
        shared=shared,
        workers=workers,
    )
    return package_audio(encoded, title=title)
