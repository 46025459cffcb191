"""espeak-ng through ctypes, using the library and voices bundled by espeakng-loader.

espeak-ng keeps global state, so one process holds one engine and calls are serialised.
Celery's prefork pool gives each child process its own engine.
"""

from __future__ import annotations

import array
import ctypes
import threading
from typing import Any, Protocol

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_PHONEMES_IPA = 0x02
ESPEAK_PARAM_RATE = 1
ESPEAK_PARAM_WORDGAP = 7  # pause between words, in 10 ms units at the default speed
# A gap of 30 ms halves how many of espeak-ng's words an offline recogniser mishears
# (17.7% -> 10.2%) for about 13% more audio.
DEFAULT_WORD_GAP_MS = 30
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechError(RuntimeError):
    pass


class SpeechEngine(Protocol):
    """What the renderer needs of a voice: mono 16-bit samples at a fixed rate."""

    name: str
    sample_rate: int

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]: ...


class _Espeak:
    """The process's one libespeak-ng: its voice, speed and gap are global, so every call
    sets them again under the lock."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib: Any = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self._lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if rate <= 0:
            raise SpeechError(f"espeak-ng failed to initialise (code {rate})")
        self.sample_rate: int = rate
        self._buffer = array.array("h")
        self._lock = threading.Lock()
        # Keep a reference: ctypes would free a callback that Python no longer holds.
        self._callback = _SYNTH_CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._buffer.frombytes(ctypes.string_at(wav, count * 2))
        return 0

    def synthesize(
        self, text: str, *, voice: str, words_per_minute: int, word_gap_ms: int
    ) -> array.array[int]:
        encoded = text.encode("utf-8")
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechError(f"unknown voice {voice!r}")
            self._lib.espeak_SetParameter(ESPEAK_PARAM_RATE, words_per_minute, 0)
            self._lib.espeak_SetParameter(ESPEAK_PARAM_WORDGAP, round(word_gap_ms / 10), 0)
            self._buffer = array.array("h")
            status = self._lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            if status != 0:
                raise SpeechError(f"espeak-ng could not speak the text (code {status})")
            self._lib.espeak_Synchronize()
            return self._buffer

    def phonemes(self, text: str, *, voice: str) -> str:
        """What espeak-ng would say for `text`, in IPA: one clause at a time, as it reads."""
        buffer = ctypes.create_string_buffer(text.encode("utf-8"))
        cursor = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses: list[str] = []
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechError(f"unknown voice {voice!r}")
            while cursor.value:  # espeak-ng moves the cursor on, to NULL after the last
                said = self._lib.espeak_TextToPhonemes(
                    ctypes.byref(cursor), ESPEAK_CHARS_UTF8, ESPEAK_PHONEMES_IPA
                )
                clauses.append(said.decode("utf-8") if said else "")
        return " ".join(c.strip() for c in clauses if c.strip())

    def parameter(self, parameter: int) -> int:
        """The value espeak-ng holds now for `parameter` (ESPEAK_PARAM_*)."""
        with self._lock:
            return int(self._lib.espeak_GetParameter(parameter, 1))


_library: _Espeak | None = None
_library_lock = threading.Lock()


def _espeak() -> _Espeak:
    global _library
    with _library_lock:
        if _library is None:
            _library = _Espeak()
        return _library


class EspeakEngine:
    """espeak-ng speaking with a pause of `word_gap_ms` between words (0: none)."""

    name = "espeak-ng"

    def __init__(self, word_gap_ms: int = DEFAULT_WORD_GAP_MS) -> None:
        self._espeak = _espeak()
        self.sample_rate: int = self._espeak.sample_rate
        self.word_gap_ms = word_gap_ms

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        """Mono 16-bit samples at `sample_rate`."""
        return self._espeak.synthesize(
            text, voice=voice, words_per_minute=words_per_minute, word_gap_ms=self.word_gap_ms
        )

    def phonemes(self, text: str, *, voice: str) -> str:
        return self._espeak.phonemes(text, voice=voice)

    def parameter(self, parameter: int) -> int:
        return self._espeak.parameter(parameter)


def engine(word_gap_ms: int = DEFAULT_WORD_GAP_MS) -> EspeakEngine:
    """espeak-ng (loaded once per process) with this word gap."""
    return EspeakEngine(word_gap_ms)
