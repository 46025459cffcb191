from __future__ import annotations

import array
import io
import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from codestory.artifacts.backends import FileArtifactStore
from codestory.audio_worker.chapter_parts import StoredChapterParts
from codestory.narrative.sentences import split_sentences
from codestory.speech.chapters import (
    TimedChapter,
    captions_vtt,
    chapters_vtt,
    transcript,
    vtt_timestamp,
)
from codestory.speech.engine import ESPEAK_PARAM_WORDGAP, SpeechError, engine
from codestory.speech.loudness import (
    PEAK_CEILING,
    TARGET_LUFS,
    integrated_loudness,
    limit_peaks,
    normalise,
)
from codestory.speech.mp3 import Mp3Stream, duration_seconds, encode_mp3, read_chapters
from codestory.speech.render import (
    ChapterText,
    package_audio,
    render_story,
    speak_and_encode,
)
from codestory.speech.text import Speaker, speakable


def test_paths_are_said_in_full_once_then_short() -> None:
    speaker = Speaker()
    first = speaker.speak("Open `services/codestory/queue.py` now.")
    assert first == "Open queue in services slash code-story now."
    assert speaker.speak("Then `services/codestory/queue.py` again.") == "Then queue again."
    assert speaker.speak("And `services/codestory/store.py`.") == (
        "And store in the code-story folder."
    )


def test_identifiers_numbers_and_urls_are_said_as_people_say_them() -> None:
    assert speakable("See `README.md`, `run_story_task` and `HTTPServer`.") == (
        "See the read-me, run story task and H-T-T-P Server."
    )
    assert speakable("`py310` and `md2man`") == "py 310 and md 2 man"
    assert (
        speakable("Released 2024-04-07 as 3.0.3.") == "Released April 7, 2024 as 3 point 0 point 3."
    )
    assert "http" not in speakable("Docs at https://example.com/x and www.example.org.")
    assert speakable("Run `go test ./...`.") == "Run go test all packages."
    assert speakable("It speaks HTTP/1.1 and HTTP/2.") == (
        "It speaks H-T-T-P 1 point 1 and H-T-T-P 2."
    )


def test_a_name_in_a_file_of_the_same_name_is_said_once() -> None:
    speaker = Speaker()
    assert speaker.speak("It runs `main` in `httpx/_main.py`.") == "It runs main in httpx."
    assert speaker.speak("It runs `main` in `main.go`.") == "It runs main."
    assert speaker.speak("`Client` in `httpx/_client.py`.") == "Client in client in httpx."


def test_vtt_and_transcript() -> None:
    assert vtt_timestamp(3723.4567) == "01:02:03.457"
    chapters = [TimedChapter("Intro", "Hello.", 0, 1.5), TimedChapter("End", "Bye.", 1.5, 2)]
    vtt = chapters_vtt(chapters)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nIntro\n")
    assert "00:00:01.500 --> 00:00:03.500\nEnd" in vtt
    text = transcript("Tour", chapters)
    assert "1. Intro [00:00:00]" in text and "Bye." in text


def test_spoken_chapters_become_a_chaptered_mp3() -> None:
    speech = engine()
    chapters = [
        ChapterText("First", "This is the first chapter about services/app.py."),
        ChapterText("Second", "And this is the second, a little longer than the first one."),
    ]
    progress: list[tuple[int, int]] = []
    encoded = speak_and_encode(
        speech,
        chapters,
        voice="en-us",
        words_per_minute=175,
        bitrate_kbps=64,
        on_chapter=lambda done, total: progress.append((done, total)),
    )
    timed = encoded.chapters
    assert progress == [(1, 2), (2, 2)]
    assert encoded.speech_seconds > 0
    assert timed[0].start_seconds == 0
    assert timed[1].start_seconds == pytest.approx(timed[0].end_seconds)
    audio = package_audio(encoded, title="Tour")
    assert audio.duration_seconds == pytest.approx(timed[1].end_seconds)
    # The encoded file plays for as long as the samples last (plus encoder padding).
    assert duration_seconds(audio.mp3) == pytest.approx(audio.duration_seconds, abs=0.2)
    marks = read_chapters(audio.mp3)
    assert [m[0] for m in marks] == ["First", "Second"]
    assert marks[1][1] == pytest.approx(timed[1].start_seconds, abs=0.001)
    assert marks[1][2] == pytest.approx(audio.duration_seconds, abs=0.001)


def test_unknown_voice_is_a_clear_error() -> None:
    with pytest.raises(SpeechError, match="unknown voice 'no-such-voice'"):
        engine().synthesize("hello", voice="no-such-voice", words_per_minute=170)


def test_speed_setting_changes_the_length() -> None:
    text = "The quick brown fox jumps over the lazy dog, again and again and again."
    slow = engine().synthesize(text, voice="en-us", words_per_minute=120)
    fast = engine().synthesize(text, voice="en-us", words_per_minute=300)
    assert len(fast) < len(slow) * 0.7


def test_sentences_split_where_a_listener_hears_them_end() -> None:
    text = (
        "Open `src/app.py`. It calls `Config.load` e.g. at start-up. Version 3.0.3 is out! "
        "Why? 12 files import it."
    )
    assert split_sentences(text) == [
        "Open `src/app.py`.",
        "It calls `Config.load` e.g. at start-up.",
        "Version 3.0.3 is out!",
        "Why?",
        "12 files import it.",
    ]
    assert split_sentences("no end") == ["no end"]


def test_each_sentence_gets_a_caption_cue_in_time() -> None:
    speech = engine()
    chapters = [
        ChapterText("One", "First sentence about `app.py`. Second sentence.\n\nA new paragraph."),
        ChapterText("Two", "Only one here."),
    ]
    timed = render_story(speech, chapters, title="T", voice="en-us", words_per_minute=175).chapters
    cues = [cue for chapter in timed for cue in chapter.cues]
    assert [c.text for c in cues] == [
        "First sentence about app.py.",
        "Second sentence.",
        "A new paragraph.",
        "Only one here.",
    ]
    for before, after in itertools.pairwise(cues):
        assert before.start_seconds < before.end_seconds <= after.start_seconds
    for chapter in timed:  # every cue sits inside its chapter
        assert all(chapter.start_seconds <= c.start_seconds for c in chapter.cues)
        assert all(c.end_seconds <= chapter.end_seconds for c in chapter.cues)
    vtt = captions_vtt(timed)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:0")
    assert "First sentence about app.py." in vtt and "`" not in vtt
    assert vtt.count(" --> ") == 4


def test_captions_show_a_path_short_once_the_voice_says_it_short() -> None:
    chapters = [
        ChapterText(
            "One",
            "Open `services/codestory/queue.py` now. Then `services/codestory/queue.py` again.",
        ),
        ChapterText(
            "Two",
            "Back to services/codestory/queue.py, then `make test`, `Config.load` and "
            "`services/codestory/store.py`.",
        ),
    ]
    timed = render_story(
        engine(), chapters, title="T", voice="en-us", words_per_minute=175
    ).chapters
    assert [c.text for chapter in timed for c in chapter.cues] == [
        "Open services/codestory/queue.py now.",  # said in full: "queue in services slash..."
        "Then queue.py again.",  # said "queue"
        "Back to queue.py, then make test, Config.load and services/codestory/store.py.",
    ]


def test_a_caption_is_worked_out_from_what_was_said_before_it() -> None:
    speaker = Speaker()
    assert speaker.say("It runs `main` in `httpx/_main.py`.") == (
        "It runs main in httpx.",
        "It runs main in httpx/.",
    )
    assert speaker.say("See `httpx/` and src/app.py, then src/app.py.") == (
        "See httpx and app in src, then app.",
        "See httpx/ and src/app.py, then app.py.",
    )
    # Web addresses and versions are shown as written, whatever the voice says for them.
    assert speaker.shown("At https://example.com/a/b.py, `v2` and `1.2.3`.") == (
        "At https://example.com/a/b.py, v2 and 1.2.3."
    )


def test_audio_is_normalised_to_speech_loudness() -> None:
    speech = engine()
    text = "A calm voice reads the tour. " * 12
    quiet = array.array(
        "h", (s // 8 for s in speech.synthesize(text, voice="en-us", words_per_minute=170))
    )
    rate = speech.sample_rate
    as_float = np.frombuffer(quiet.tobytes(), dtype=np.int16) / 32768.0
    assert integrated_loudness(as_float, rate) < -30  # far too quiet to start with
    levelled = normalise(quiet, rate)
    result = np.frombuffer(levelled.tobytes(), dtype=np.int16) / 32768.0
    assert integrated_loudness(result, rate) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert np.max(np.abs(result)) <= 10 ** (-1 / 20) + 1e-4  # no peak over -1 dBFS
    assert normalise(array.array("h", bytes(2 * rate)), rate) == array.array("h", bytes(2 * rate))


def test_the_mp3_itself_plays_at_about_minus_16_lufs() -> None:
    speech = engine()
    chapters = [ChapterText("Loud enough", "Every story should sound as loud as the last. " * 8)]
    audio = render_story(speech, chapters, title="T", voice="en-us", words_per_minute=170)
    decoded, rate = soundfile.read(io.BytesIO(audio.mp3))
    assert integrated_loudness(decoded, rate) == pytest.approx(TARGET_LUFS, abs=1.0)


class CountingEngine:
    """The real espeak engine, counting what it is asked to say."""

    def __init__(self) -> None:
        self.inner = engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.said: list[str] = []

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        self.said.append(text)
        return self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)


def test_an_interrupted_rendering_resumes_at_the_first_unspoken_chapter(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path)
    chapters = [
        ChapterText("Start", "The entry point is services/codestory/cli.py."),
        ChapterText("Middle", "Then services/codestory/cli.py calls the queue."),
        ChapterText("End", "Finally services/codestory/cli.py exits. Twice over."),
    ]
    whole_engine = CountingEngine()
    whole = render_story(whole_engine, chapters, title="T", voice="en-us", words_per_minute=175)

    class KilledError(Exception):
        pass

    def die_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KilledError

    first = CountingEngine()
    with pytest.raises(KilledError):
        speak_and_encode(
            first,
            chapters,
            voice="en-us",
            words_per_minute=175,
            bitrate_kbps=64,
            on_chapter=die_after_two,
            parts=StoredChapterParts(store, "s1", "r1"),
        )
    reused: list[int] = []
    second = CountingEngine()
    resumed = speak_and_encode(
        second,
        chapters,
        voice="en-us",
        words_per_minute=175,
        bitrate_kbps=64,
        parts=StoredChapterParts(store, "s1", "r1", on_reuse=reused.append),
    )
    timed = resumed.chapters
    assert reused == [0, 1]
    # Only the third chapter was spoken again, and it still says the path short, as it
    # would have without the restart: the speaker heard the first two chapters' words.
    assert second.said == whole_engine.said[len(first.said) :]
    assert second.said[0].startswith("Chapter 3.")
    # The MP3 is the stored chapters and the new one through one encoder, in story order:
    # the bytes one rendering of those samples gives (espeak's samples vary a little from
    # run to run, so the words said, not the samples, are compared with an uninterrupted
    # rendering).
    stored = [StoredChapterParts(store, "s1", "r1").load(i) for i in range(3)]
    assert all(p is not None for p in stored)
    pcm = b"".join(p.samples.tobytes() for p in stored if p is not None)
    assert resumed.mp3 == encode_mp3(pcm, sample_rate=first.sample_rate, bitrate_kbps=64)
    head = sum(len(p.samples) for p in stored[:2] if p is not None)
    assert [c.title for c in timed] == [c.title for c in whole.chapters]
    assert timed[2].start_seconds == pytest.approx(head / first.sample_rate)
    assert timed[2].end_seconds == pytest.approx(len(pcm) / 2 / first.sample_rate)
    assert [[q.text for q in c.cues] for c in timed] == [
        [q.text for q in c.cues] for c in whole.chapters
    ]
    assert timed[1].cues[0].start_seconds > timed[1].start_seconds
    # Another rendering (voice, speed) of the same story does not see these parts.
    assert StoredChapterParts(store, "s1", "r2").load(0) is None


def test_a_damaged_spoken_chapter_is_spoken_again(tmp_path: Path) -> None:
    store = FileArtifactStore(tmp_path)
    parts = StoredChapterParts(store, "s1", "r1")
    render_story(
        engine(),
        [ChapterText("One", "A sentence.")],
        title="T",
        voice="en-us",
        words_per_minute=175,
        parts=parts,
    )
    assert parts.load(0) is not None
    store.put("stories/s1/speech/r1/chapter-0.pcm", b"\x00\x01\x02")  # truncated
    assert parts.load(0) is None
    # Its record is there, so it is not spoken ahead; when its turn comes it is spoken
    # again, and stored whole this time.
    speech = CountingEngine()
    again = render_story(
        speech,
        [ChapterText("One", "A sentence.")],
        title="T",
        voice="en-us",
        words_per_minute=175,
        parts=parts,
    )
    assert speech.said == ["Chapter 1. One.", "A sentence."]
    assert again.duration_seconds > 1
    assert parts.load(0) is not None


def test_a_story_fed_to_the_encoder_in_pieces_is_one_continuous_mp3() -> None:
    rng = np.random.default_rng(3)
    pcm = (rng.standard_normal(22050 * 7) * 3000).astype(np.int16).tobytes()
    stream = Mp3Stream(sample_rate=22050, bitrate_kbps=64)
    for start, end in itertools.pairwise([0, 2 * 1001, 2 * 50_000, 2 * 50_001, len(pcm)]):
        stream.add(pcm[start:end])
    # The same bytes as one call on the whole: no encoder delay or padding between pieces.
    assert stream.finish() == encode_mp3(pcm, sample_rate=22050, bitrate_kbps=64)


class UnevenEngine:
    """espeak-ng speaking the second chapter at an eighth of its level."""

    def __init__(self) -> None:
        self.inner = engine()
        self.name = self.inner.name
        self.sample_rate = self.inner.sample_rate
        self.chapter = 0

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        if text.startswith("Chapter "):
            self.chapter = int(text.split()[1].rstrip("."))
        spoken = self.inner.synthesize(text, voice=voice, words_per_minute=words_per_minute)
        return array.array("h", (s // 8 for s in spoken)) if self.chapter == 2 else spoken


def test_every_chapter_plays_at_the_target_loudness_and_so_does_the_story() -> None:
    speech = UnevenEngine()
    words = "Every chapter should sound as loud as the one before it. " * 6
    chapters = [ChapterText(f"Part {n}", words) for n in (1, 2, 3)]
    audio = render_story(speech, chapters, title="T", voice="en-us", words_per_minute=170)
    decoded, rate = soundfile.read(io.BytesIO(audio.mp3))
    # The decoder's delay (under 0.1 s) hardly moves a chapter of several seconds.
    for chapter in audio.chapters:
        heard = decoded[round(chapter.start_seconds * rate) : round(chapter.end_seconds * rate)]
        assert integrated_loudness(heard, rate) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert integrated_loudness(decoded, rate) == pytest.approx(TARGET_LUFS, abs=1.0)


@pytest.mark.parametrize("length", [1, 109, 110, 111, 22050 * 3 + 17])
def test_the_limiter_holds_every_peak_and_leaves_quiet_audio_alone(length: int) -> None:
    rate = 22050
    rng = np.random.default_rng(length)
    loud = rng.standard_normal(length) * 0.3
    loud[:: max(length // 7, 1)] = 3.0  # isolated peaks far over the ceiling
    limited = limit_peaks(loud, rate)
    assert len(limited) == length
    assert np.max(np.abs(limited)) <= PEAK_CEILING
    quiet = rng.uniform(-0.5, 0.5, length)
    assert np.array_equal(limit_peaks(quiet, rate), quiet)  # under the ceiling: untouched
    # Far from a peak the gain is back to 1: only the milliseconds around it are lowered.
    if length > rate:
        one_peak = np.full(length, 0.2)
        one_peak[length // 2] = 2.0
        shaped = limit_peaks(one_peak, rate)
        assert shaped[length // 2] <= PEAK_CEILING
        assert np.array_equal(shaped[: length // 2 - 1000], one_peak[: length // 2 - 1000])


def test_audio_already_at_the_target_still_has_its_peaks_held() -> None:
    rate = 22050
    rng = np.random.default_rng(7)
    signal = rng.standard_normal(rate * 3) * 0.1
    signal *= 10 ** ((TARGET_LUFS - integrated_loudness(signal, rate)) / 20)
    signal[rate :: rate // 2] = 0.99  # near full scale, over the -1 dBFS ceiling
    as_int = array.array("h", np.round(signal * 32767).astype(np.int16).tobytes())
    result = np.frombuffer(normalise(as_int, rate).tobytes(), dtype=np.int16) / 32768.0
    assert np.max(np.abs(result)) <= PEAK_CEILING + 1e-4
    assert integrated_loudness(result, rate) == pytest.approx(TARGET_LUFS, abs=0.5)


def test_espeak_pauses_between_words_by_default() -> None:
    text = "Redis holds the queue and the story worker reads it one message at a time."
    gapped = engine()
    spoken = gapped.synthesize(text, voice="en-us", words_per_minute=165)
    assert gapped.parameter(ESPEAK_PARAM_WORDGAP) == 3  # espeak-ng's unit: 10 ms
    plain = engine(word_gap_ms=0).synthesize(text, voice="en-us", words_per_minute=165)
    # Thirteen gaps in four seconds of speech: espeak-ng also stops running words into
    # each other once any gap is set, so this short sentence grows by about a fifth
    # (a whole story, with its pauses at punctuation, by about 13%).
    assert 1.08 < len(spoken) / len(plain) < 1.35
