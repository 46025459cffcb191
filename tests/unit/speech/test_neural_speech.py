"""hibari, the default voice: a real model speaking short texts (about 100x real time on
one core), and the ways it fails at load, each a SpeechError the audio worker falls back on."""

# IPA is written in letters that look like Latin ones; that is the point here.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hibari.voices import VOICES

from codestory.speech.engine import SpeechError
from codestory.speech.mp3 import duration_seconds, read_chapters
from codestory.speech.neural_engine import (
    PHONEMES,
    NeuralEngine,
    NeuralSpeechError,
    neural_engine,
    with_phonemes,
)
from codestory.speech.pronunciation import SAID_AS
from codestory.speech.render import ChapterText, render_story
from codestory.speech.text import Speaker


def test_hibari_speaks_chapters_into_a_chaptered_mp3() -> None:
    speech = neural_engine()
    assert (speech.name, speech.voice, speech.sample_rate) == ("hibari", "heart", 24_000)
    chapters = [
        ChapterText("Start", "Redis holds the queue."),
        ChapterText("Workers", "Celery workers read `services/app.py`."),
    ]
    audio = render_story(speech, chapters, title="Tour", voice="en-us", words_per_minute=165)
    timed = audio.chapters
    assert audio.speech_seconds > 0
    assert timed[1].start_seconds == pytest.approx(timed[0].end_seconds)
    assert duration_seconds(audio.mp3) == pytest.approx(audio.duration_seconds, abs=0.2)
    assert [m[0] for m in read_chapters(audio.mp3)] == ["Start", "Workers"]
    # Speech, not silence: a sentence's cue holds sound well above the pauses around it.
    cue = timed[0].cues[0]
    decoded, rate = soundfile.read(io.BytesIO(audio.mp3))
    spoken = decoded[round(cue.start_seconds * rate) : round(cue.end_seconds * rate)]
    assert cue.end_seconds - cue.start_seconds > 0.8
    assert np.sqrt(np.mean(spoken**2)) > 500 / 32768


def test_hibari_is_loaded_once_per_process() -> None:
    assert neural_engine() is neural_engine("heart")


def test_the_same_text_sounds_the_same_and_speed_follows_the_setting() -> None:
    speech = neural_engine()
    text = "The story worker reads the repository and writes the chapters."
    first = speech.synthesize(text, voice="en-us", words_per_minute=165)
    assert speech.synthesize(text, voice="en-us", words_per_minute=165) == first
    fast = speech.synthesize(text, voice="en-us", words_per_minute=300)
    assert len(fast) < len(first) * 0.7


# hibari's own reading of the written word, and its reading of ours, in its phonemes.
HIBARI_SAYS = {
    "README": ("ˌɑɹˌiˌAdˌiˌɛmˈi", "ɹˈidmˌi"),
    "Redis": ("ɹᵻdiz", "ɹˈɛdɪs"),
    "JSON": ("ʤˌAˌɛsˌOˈɛn", "ʤˈAsᵊn"),
    "YAML": ("wˌIˌAˌɛmˈɛl", "jˈæmᵊl"),
    "pytest": ("pˈITɪst", "pˌItˈɛst"),
    "kubectl": ("kjˈubɛktᵊl", "kjˌubkəntɹˈOl"),
    "SQL": ("sˈikwəl", "ˌɛskjˈuˈɛl"),
    "Celery": ("sˈɛləɹi", "sˈɛləɹi"),
}


@pytest.mark.parametrize("written", sorted(HIBARI_SAYS))
def test_hibari_says_developers_words_as_developers_do(written: str) -> None:
    own, ours = HIBARI_SAYS[written]
    speech = neural_engine()
    assert speech.phonemes(written) == own
    assert speech.phonemes(Speaker().speak(written)) == ours


def test_the_phoneme_table_carries_the_pronunciation_tables_respellings() -> None:
    assert set(PHONEMES) <= set(SAID_AS.values())
    assert with_phonemes("Run red-iss, then Red-iss [twice].") == (
        "Run [red-iss](/ɹˈɛdɪs/), then [Red-iss](/ɹˈɛdɪs/) (twice)."
    )
    # A word that only contains a respelling is left to the voice.
    assert with_phonemes("bred-iss") == "bred-iss"


def test_a_voice_that_is_not_installed_fails_at_load_without_a_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    with pytest.raises(SpeechError, match="voice 'fenrir' is not installed: copy"):
        NeuralEngine("fenrir")
    assert list(tmp_path.iterdir()) == []  # nothing fetched


def test_a_damaged_model_fails_at_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    (tmp_path / VOICES["fenrir"]["file"]).write_bytes(b"not an onnx model")
    with pytest.raises(NeuralSpeechError, match="is damaged: sha256"):
        NeuralEngine("fenrir")


def test_a_model_the_runtime_cannot_load_fails_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that passes the registry's check but is no model: onnxruntime's own error."""
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path))
    junk = b"not an onnx model"
    (tmp_path / VOICES["fenrir"]["file"]).write_bytes(junk)
    monkeypatch.setitem(VOICES["fenrir"], "sha256", hashlib.sha256(junk).hexdigest())
    with pytest.raises(NeuralSpeechError, match="hibari could not load 'fenrir'"):
        NeuralEngine("fenrir")


def test_an_unknown_voice_is_a_clear_error() -> None:
    with pytest.raises(NeuralSpeechError, match=r"no voice 'nobody' \(it has .*heart"):
        NeuralEngine("nobody")


def test_a_worker_that_never_speaks_never_loads_hibari() -> None:
    """The audio worker's task and stage, its voice list included, leave hibari unloaded."""
    check = (
        "import sys, codestory.audio_worker.tasks, codestory.audio_worker.stage as stage; "
        "stage.voices(); "
        "print(sorted(m for m in ('hibari', 'onnxruntime') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    found = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True
    )
    assert found.stdout.strip() == "[]"
