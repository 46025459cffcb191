"""The default voice: hibari-tts, Kokoro-82M's voices distilled to 8 MB int8 ONNX models.

The `heart` voice (Kokoro's af_heart, American English) ships inside the wheel, so a
worker speaks with no download; hibari's other voices are read from its cache folder
(`HIBARI_HOME`) only, never fetched: a worker without egress must not hang on a model hub.
Every model file is checked against the sha256 in hibari's own registry before it is loaded.

Loaded once per process, on first use: a pool process that never speaks never pays the
~175 MB of its model and lexicons. Any failure, at load or on a sentence, raises
SpeechError, and the audio worker speaks the whole story with espeak-ng instead.
"""

# IPA is written in letters that look like Latin ones; that is the point here.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import array
import hashlib
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from codestory.speech.engine import SpeechError

ENGINE_NAME = "hibari"
DEFAULT_VOICE = "heart"
# hibari's speed 1.0 is Kokoro's own pace, about what 165 words a minute stands for.
WORDS_PER_MINUTE_AT_SPEED_1 = 165
# The same noise in every rendering: a script spoken twice sounds the same.
SEED = 0

# The pronunciation table's respellings that hibari's G2P breaks into separate stressed
# words ("red-iss" -> ɹˈɛd ˈɪs), given to it as phonemes in its inline syntax instead.
PHONEMES: dict[str, str] = {
    "red-iss": "ɹˈɛdɪs",
    "sell-er-ee": "sˈɛləɹi",
    "jay-sahn": "ʤˈAsᵊn",
}
_RESPELLED = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in PHONEMES) + r")(?![\w-])", re.IGNORECASE
)
# hibari reads `[text](/phonemes/)` as a pronunciation: brackets of the text's own would be
# taken for one, so they are said as the pauses they mark.
_BRACKETS = str.maketrans({"[": "(", "]": ")"})


class NeuralSpeechError(SpeechError):
    """hibari is missing, its model is damaged or absent, or it failed on a sentence."""


def with_phonemes(text: str) -> str:
    """`text` with the respellings hibari would mangle written in its phoneme syntax."""
    return _RESPELLED.sub(
        lambda m: f"[{m.group(0)}](/{PHONEMES[m.group(0).lower()]}/)", text.translate(_BRACKETS)
    )


class NeuralEngine:
    """One hibari voice: mono 16-bit samples at 24 kHz."""

    name = ENGINE_NAME
    concurrent = True  # chapters may be spoken in threads over this one engine

    def __init__(self, voice: str = DEFAULT_VOICE, *, threads: int = 1) -> None:
        try:
            from hibari import Hibari
            from hibari.voices import VOICES, voice_path
        except ImportError as exc:
            raise NeuralSpeechError(f"hibari-tts is not installed ({exc})") from None
        if voice not in VOICES:
            known = ", ".join(sorted(VOICES))
            raise NeuralSpeechError(f"hibari has no voice {voice!r} (it has {known})")
        try:
            model = Path(voice_path(voice, download_missing=False))
        except FileNotFoundError as exc:
            raise NeuralSpeechError(
                f"hibari's voice {voice!r} is not installed: copy {Path(str(exc)).name} "
                f"to {exc} (workers never download voices)"
            ) from None
        expected = VOICES[voice]["sha256"]
        try:
            with model.open("rb") as weights:
                found = hashlib.file_digest(weights, "sha256").hexdigest()
        except OSError as exc:
            raise NeuralSpeechError(f"hibari's model for {voice!r} cannot be read: {exc}") from None
        if found != expected:
            raise NeuralSpeechError(
                f"hibari's model {model} is damaged: sha256 {found[:12]}..., "
                f"its registry says {expected[:12]}..."
            )
        try:
            self._tts: Any = Hibari(voice=voice, model=str(model), threads=threads)
            self._tts.phonemize("Ready.")  # loads the lexicons now, not in the first chapter
        except Exception as exc:  # onnxruntime and hibari raise their own types
            raise NeuralSpeechError(f"hibari could not load {voice!r}: {exc}") from exc
        self.voice = voice
        self.sample_rate: int = int(self._tts.sample_rate)
        self._lock = threading.Lock()  # one G2P: one text at a time

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        """`voice` is espeak-ng's; hibari speaks with the voice it was loaded with."""
        del voice
        speed = min(max(words_per_minute / WORDS_PER_MINUTE_AT_SPEED_1, 0.5), 2.0)
        try:
            # hibari's G2P keeps Python state, so it reads one text at a time; the ONNX
            # session's run is thread-safe and releases the GIL, so chapters overlap there.
            with self._lock:
                chunks = self._tts.phonemize(with_phonemes(text))
            # As hibari's own call does: one noise generator for the text, seeded the same.
            rng = np.random.default_rng(SEED)
            waves = [self._tts.from_ids(self._tts.ids(ps), speed, rng) for ps in chunks]
        except Exception as exc:
            raise NeuralSpeechError(f"hibari could not speak a sentence: {exc}") from exc
        audio = np.concatenate(waves) if waves else np.zeros(0, np.float32)
        pcm = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767.0
        return array.array("h", pcm.astype(np.int16).tobytes())

    def phonemes(self, text: str) -> str:
        """What hibari would say for `text`, in its own (misaki) phonemes, sentence by sentence."""
        with self._lock:
            return " ".join(self._tts.phonemize(with_phonemes(text)))


_engines: dict[str, NeuralEngine] = {}
_engines_lock = threading.Lock()


def neural_engine(voice: str = DEFAULT_VOICE) -> NeuralEngine:
    """hibari with `voice`, loaded once per process; a failed load is tried again next time."""
    with _engines_lock:
        if voice not in _engines:
            _engines[voice] = NeuralEngine(voice)
        return _engines[voice]
