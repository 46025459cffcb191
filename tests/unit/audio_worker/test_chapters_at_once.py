"""A story's chapters spoken several at a time over the one hibari engine: the same audio,
captions and transcript as one at a time, the same resumption, the same failures."""

from __future__ import annotations

import array
import threading
import time
from pathlib import Path

import pytest

from codestory.artifacts.backends import FileArtifactStore
from codestory.audio_worker.chapter_parts import StoredChapterParts
from codestory.speech import render as rendering
from codestory.speech.engine import SpeechError, engine
from codestory.speech.mp3 import Mp3Stream
from codestory.speech.neural_engine import neural_engine
from codestory.speech.render import ChapterText, RenderedAudio, render_story, speak_and_encode

CHAPTERS = [
    ChapterText("Start", "The entry point is `services/codestory/cli.py`. It reads the flags."),
    ChapterText("Queue", "Then `services/codestory/cli.py` calls the queue.\n\nRedis holds it."),
    ChapterText("Workers", "Celery workers read `services/codestory/queue.py` in a loop."),
    ChapterText("End", "Finally `services/codestory/cli.py` exits. Twice over."),
]


def render(workers: int, parts: StoredChapterParts | None = None) -> RenderedAudio:
    return render_story(
        neural_engine(),
        CHAPTERS,
        title="Tour",
        voice="en-us",
        words_per_minute=165,
        parts=parts,
        workers=workers,
    )


class MeetingEngine:
    """hibari, but the first two chapters' headings wait for each other: a rendering that
    speaks one chapter at a time never gets past the first."""

    concurrent = True

    def __init__(self) -> None:
        self.inner = neural_engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.meeting = threading.Barrier(2, timeout=60)

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith(("Chapter 1.", "Chapter 2.")):
            self.meeting.wait()
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_two_workers_give_the_same_mp3_captions_and_transcript_as_one() -> None:
    alone, together = render(1), render(2)
    assert together.mp3 == alone.mp3
    assert together.captions == alone.captions
    assert together.vtt == alone.vtt
    assert together.transcript == alone.transcript
    # The path is shown in full at its first mention only, whatever thread spoke it.
    assert "services/codestory/cli.py" in alone.chapters[0].cues[0].text
    assert alone.chapters[1].cues[0].text.startswith("Then cli.py")
    assert alone.chapters[3].cues[0].text.startswith("Finally cli.py")


def test_with_two_workers_two_chapters_are_spoken_at_once() -> None:
    speech = MeetingEngine()
    audio = render_story(
        speech, CHAPTERS, title="T", voice="en-us", words_per_minute=165, workers=2
    )
    assert [c.title for c in audio.chapters] == [c.title for c in CHAPTERS]
    assert not speech.meeting.broken


def test_an_engine_that_cannot_speak_concurrently_speaks_one_chapter_at_a_time() -> None:
    speech = MeetingEngine()
    MeetingEngine.concurrent = False
    try:
        speech.meeting = threading.Barrier(2, timeout=0.5)
        with pytest.raises(threading.BrokenBarrierError):
            render_story(
                speech, CHAPTERS, title="T", voice="en-us", words_per_minute=165, workers=2
            )
    finally:
        MeetingEngine.concurrent = True


def test_a_rendering_with_gaps_anywhere_resumes_to_the_same_audio(tmp_path: Path) -> None:
    # Chapters spoken at once are stored as each is done, so a killed worker may leave
    # chapter 3 stored and chapter 2 not: the gaps are spoken, in their place, with the
    # short forms they had.
    whole = render(1)
    store = FileArtifactStore(tmp_path)
    render(2, StoredChapterParts(store, "s1", "r1"))
    for gap in (1, 3):
        store.delete(f"stories/s1/speech/r1/chapter-{gap}.json")
    reused: list[int] = []
    resumed = render(2, StoredChapterParts(store, "s1", "r1", on_reuse=reused.append))
    assert reused == [0, 2]
    assert resumed.mp3 == whole.mp3
    assert resumed.captions == whole.captions
    assert resumed.transcript == whole.transcript


class FailingEngine:
    """espeak-ng, failing on one chapter's heading, and able to speak in threads."""

    concurrent = True

    def __init__(self, failing_heading: str) -> None:
        self.inner = engine()
        self.name = "failing"
        self.sample_rate = self.inner.sample_rate
        self.failing_heading = failing_heading

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith(self.failing_heading):
            raise SpeechError("the voice broke")
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_a_chapter_that_fails_in_a_worker_thread_fails_the_rendering(tmp_path: Path) -> None:
    parts = StoredChapterParts(FileArtifactStore(tmp_path), "s1", "r1")
    before = threading.active_count()
    with pytest.raises(SpeechError, match="the voice broke"):
        render_story(
            FailingEngine("Chapter 2."),
            CHAPTERS,
            title="T",
            voice="en-us",
            words_per_minute=175,
            parts=parts,
            workers=2,
        )
    # The chapter before it was kept; the failed one was not; no thread outlives the call.
    assert parts.load(0) is not None
    assert parts.load(1) is None
    assert threading.active_count() == before


class HeldEngine:
    """hibari, holding chapters 3 and 4 at their headings until the story is stopped, so
    both threads are busy when it is and chapters 5 and 6 wait in the queue."""

    concurrent = True

    def __init__(self) -> None:
        self.inner = neural_engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.stopped = threading.Event()
        self.headings: list[str] = []

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith("Chapter "):
            self.headings.append(text.split(".")[0])
            if text.startswith(("Chapter 3.", "Chapter 4.")):
                assert self.stopped.wait(timeout=60)
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_a_story_stopped_at_a_checkpoint_starts_no_further_chapter(tmp_path: Path) -> None:
    speech = HeldEngine()
    chapters = [*CHAPTERS, *(ChapterText(f"More {n}", "Redis holds the queue.") for n in (5, 6))]
    parts = StoredChapterParts(FileArtifactStore(tmp_path), "s1", "r1")

    class CancelledError(Exception):
        pass

    def cancel_after_two(done: int, total: int) -> None:
        if done == 2:
            speech.stopped.set()
            raise CancelledError

    before = threading.active_count()
    with pytest.raises(CancelledError):
        speak_and_encode(
            speech,
            chapters,
            voice="en-us",
            words_per_minute=165,
            bitrate_kbps=64,
            on_chapter=cancel_after_two,
            parts=parts,
            workers=2,
        )
    # The chapters under way were finished and kept; those not begun were dropped. The
    # thread that finished chapter 2 may not yet have taken chapter 4 when the story stops,
    # so chapter 4 is either finished and kept or never begun; 5 and 6 never begin.
    begun = set(speech.headings)
    assert {"Chapter 1", "Chapter 2", "Chapter 3"} <= begun <= {f"Chapter {n}" for n in range(1, 5)}
    assert [parts.load(i) is not None for i in range(6)] == [
        f"Chapter {i + 1}" in begun for i in range(6)
    ]
    assert threading.active_count() == before


class EncoderWatch(Mp3Stream):
    """The real encoder, telling when it has been given its first chapter."""

    given_first = threading.Event()

    def add(self, pcm: bytes) -> None:
        super().add(pcm)
        EncoderWatch.given_first.set()


class LastChapterWaits:
    """hibari, holding the last chapter's heading until the encoder has the first chapter:
    a rendering that encodes only once every chapter is spoken never finishes."""

    concurrent = True

    def __init__(self, last: int) -> None:
        self.inner = neural_engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.last = f"Chapter {last}."
        self.waited = False

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith(self.last):
            self.waited = EncoderWatch.given_first.wait(timeout=60)
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_the_first_chapter_is_encoded_while_later_ones_are_still_spoken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rendering, "Mp3Stream", EncoderWatch)
    EncoderWatch.given_first.clear()
    speech = LastChapterWaits(len(CHAPTERS))
    overlapped = render_story(
        speech, CHAPTERS, title="Tour", voice="en-us", words_per_minute=165, workers=2
    )
    assert speech.waited
    # Chapters encoded as they come make the same file as the whole rendered at once.
    assert overlapped.mp3 == render(1).mp3


class FirstChapterWaits:
    """hibari, holding the first chapter's heading until the second chapter is stored."""

    concurrent = True

    def __init__(self, parts: StoredChapterParts) -> None:
        self.inner = neural_engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.parts = parts
        self.stored_then: tuple[bool, bool] | None = None

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith("Chapter 1."):
            deadline = time.monotonic() + 60
            while not self.parts.has(1) and time.monotonic() < deadline:
                time.sleep(0.01)
            self.stored_then = (self.parts.has(0), self.parts.has(1))
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_a_chapter_is_stored_as_soon_as_it_is_spoken_whatever_its_place(tmp_path: Path) -> None:
    parts = StoredChapterParts(FileArtifactStore(tmp_path), "s1", "r1")
    speech = FirstChapterWaits(parts)
    render_story(
        speech, CHAPTERS, title="Tour", voice="en-us", words_per_minute=165, parts=parts, workers=2
    )
    # The second chapter was kept while the first had not begun: a worker killed then
    # would speak only the first again.
    assert speech.stored_then == (False, True)
    assert all(parts.has(i) for i in range(len(CHAPTERS)))
