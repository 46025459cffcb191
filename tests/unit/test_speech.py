from __future__ import annotations

import pytest

from codestory.speech.chapters import TimedChapter, chapters_vtt, transcript, vtt_timestamp
from codestory.speech.engine import SpeechError, engine
from codestory.speech.mp3 import duration_seconds, read_chapters
from codestory.speech.render import ChapterText, package_audio, speak_chapters
from codestory.speech.text import Speaker, speakable


def test_paths_are_said_in_full_once_then_short() -> None:
    speaker = Speaker()
    first = speaker.speak("Open `services/codestory/queue.py` now.")
    assert first == "Open queue in services slash codestory now."
    assert speaker.speak("Then `services/codestory/queue.py` again.") == "Then queue again."
    assert speaker.speak("And `services/codestory/store.py`.") == (
        "And store in the codestory folder."
    )


def test_identifiers_numbers_and_urls_are_said_as_people_say_them() -> None:
    assert speakable("See `README.md`, `run_story_task` and `HTTPServer`.") == (
        "See the README, run story task and HTTP Server."
    )
    assert speakable("`py310` and `md2man`") == "py 310 and md 2 man"
    assert (
        speakable("Released 2024-04-07 as 3.0.3.") == "Released April 7, 2024 as 3 point 0 point 3."
    )
    assert "http" not in speakable("Docs at https://example.com/x and www.example.org.")
    assert speakable("Run `go test ./...`.") == "Run go test all packages."


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
