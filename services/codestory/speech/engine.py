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
ESPEAK_PARAM_RATE = 1
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


class EspeakEngine:
    name = "espeak-ng"

    def __init__(self) -> None:
        import espeakng_loader

        self._lib: Any = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
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

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        """Mono 16-bit samples at `sample_rate`."""
        encoded = text.encode("utf-8")
        with self._lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechError(f"unknown voice {voice!r}")
            self._lib.espeak_SetParameter(ESPEAK_PARAM_RATE, words_per_minute, 0)
            self._buffer = array.array("h")
            status = self._lib.espeak_Synth(
                encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            if status != 0:
                raise SpeechError(f"espeak-ng could not speak the text (code {status})")
            self._lib.espeak_Synchronize()
            return self._buffer


_engine: EspeakEngine | None = None
_engine_lock = threading.Lock()


def engine() -> EspeakEngine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = EspeakEngine()
        return _engine
