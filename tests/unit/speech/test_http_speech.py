"""The speech service as a voice, over real HTTP on 127.0.0.1, and its failures."""

from __future__ import annotations

import pytest

from codestory.speech.http_engine import HttpSpeechEngine, SpeechServiceError, decode_wav
from codestory.speech.render import ChapterText, render_story
from tests.local_services import SLOW_SECONDS, local_service, tone_wav


def test_service_speech_is_converted_to_the_engine_rate() -> None:
    with local_service() as server:
        voice = HttpSpeechEngine(server.base_url, model="tts-local", voice="nova", api_key="k")
        samples = voice.synthesize("one two three four five", voice="en-us", words_per_minute=165)
    # five words at 165 per minute, sent as 16 kHz stereo, arrive as 24 kHz mono
    assert len(samples) / voice.sample_rate == pytest.approx(5 * 60 / 165, abs=0.01)
    request = server.requests[0]
    assert request["path"] == "/v1/audio/speech"
    assert (request["model"], request["voice"], request["response_format"]) == (
        "tts-local",
        "nova",
        "wav",
    )
    assert request["headers"]["Authorization"] == "Bearer k"


def test_speed_follows_the_words_per_minute_setting() -> None:
    with local_service() as server:
        voice = HttpSpeechEngine(server.base_url, model="m", voice="v")
        slow = voice.synthesize("a b c d e f", voice="x", words_per_minute=120)
        fast = voice.synthesize("a b c d e f", voice="x", words_per_minute=240)
    assert len(fast) == pytest.approx(len(slow) / 2, rel=0.02)


def test_chapters_spoken_by_the_service_keep_their_timings() -> None:
    with local_service() as server:
        voice = HttpSpeechEngine(server.base_url, model="m", voice="v")
        audio = render_story(
            voice, [ChapterText("One", "Hello there. Second sentence.")], title="T",
            voice="x", words_per_minute=165,
        )  # fmt: skip
    timed = audio.chapters
    assert timed[0].duration_seconds == pytest.approx(audio.duration_seconds)
    assert len(timed[0].cues) == 2


@pytest.mark.parametrize(
    ("mode", "message"),
    [("error", "HTTP 503"), ("garbage", "not WAV"), ("slow", "in time")],
)
def test_service_failures_raise_a_speech_error(mode: str, message: str) -> None:
    with local_service(mode) as server:
        voice = HttpSpeechEngine(server.base_url, model="m", voice="v", timeout=SLOW_SECONDS / 3)
        with pytest.raises(SpeechServiceError, match=message):
            voice.synthesize("hello", voice="x", words_per_minute=165)


def test_wav_decoding_rejects_what_it_cannot_play() -> None:
    assert len(decode_wav(tone_wav(0.5, rate=24_000, channels=1), 24_000)) == 12_000
    with pytest.raises(SpeechServiceError, match="not WAV"):
        decode_wav(b"RIFF....nonsense", 24_000)


def test_the_service_is_given_the_same_spoken_words_as_espeak() -> None:
    with local_service() as server:
        voice = HttpSpeechEngine(server.base_url, model="m", voice="v")
        timed = render_story(
            voice, [ChapterText("Queues", "Celery reads Redis.")], title="T", voice="x",
            words_per_minute=165,
        ).chapters  # fmt: skip
    assert [r["input"] for r in server.requests] == [
        "Chapter 1. Queues.",
        "sell-er-ee reads red-iss.",
    ]
    assert timed[0].cues[0].text == "Celery reads Redis."
