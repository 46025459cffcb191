from __future__ import annotations

import pytest

from codestory.speech.chapters import TimedChapter, chapters_vtt, transcript, vtt_timestamp
from codestory.speech.engine import SpeechError, engine
from codestory.speech.mp3 import duration_seconds, read_chapters
from codestory.speech.render import ChapterText, package_audio, speak_chapters
from codestory.speech.text import speakable


def test_paths_and_identifiers_are_speakable() -> None:
    assert speakable("Open services/codestory/queue.py now.") == (
        "Open services slash codestory slash queue dot py now."
    )
    assert speakable("See README.md and snake_case and HeartbeatStep.") == (
        "See README dot md and snake case and Heartbeat Step."
    )
    assert speakable("Python 3.11 at 99.5 percent") == "Python 3.11 at 99.5 percent"


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
    samples, timed, spent = speak_chapters(
        speech,
        chapters,
        voice="en-us",
        words_per_minute=175,
        on_chapter=lambda done, total: progress.append((done, total)),
    )
    assert progress == [(1, 2), (2, 2)]
    assert spent > 0
    assert timed[0].start_seconds == 0
    assert timed[1].start_seconds == pytest.approx(timed[0].end_seconds)
    audio = package_audio(
        samples, timed, title="Tour", sample_rate=speech.sample_rate, bitrate_kbps=64
    )
    assert audio.duration_seconds == pytest.approx(len(samples) / speech.sample_rate)
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
