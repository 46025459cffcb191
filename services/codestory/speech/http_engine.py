"""A speech service as the voice: any server speaking OpenAI's `/audio/speech` protocol.

It is asked for WAV, which the standard library reads; other sample rates are resampled
to the engine's, so chapter timings stay exact. Any failure raises SpeechServiceError and
the audio worker speaks the story with espeak-ng instead: one voice per story, never a mix.
"""

from __future__ import annotations

import array
import io
import wave

import httpx
import numpy as np
from scipy.signal import resample_poly

from codestory.speech.engine import SpeechError

DEFAULT_WORDS_PER_MINUTE = 165  # the speed the service's 1.0 roughly stands for
MAX_INPUT_CHARACTERS = 4096  # the protocol's limit on one request


class SpeechServiceError(SpeechError):
    """The speech service could not speak this text; the story falls back to espeak-ng."""


def decode_wav(data: bytes, sample_rate: int) -> array.array[int]:
    """Mono 16-bit samples at `sample_rate` from a WAV file of any rate and channel count."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechServiceError(f"the speech service sent audio that is not WAV: {exc}") from None
    if width != 2:
        raise SpeechServiceError(f"the speech service sent {8 * width}-bit audio, not 16-bit")
    samples = np.frombuffer(frames[: len(frames) - len(frames) % (2 * channels)], dtype=np.int16)
    mono = samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples
    if rate != sample_rate:
        divisor = np.gcd(rate, sample_rate)
        mono = resample_poly(mono.astype(np.float64), sample_rate // divisor, rate // divisor)
    clipped = np.clip(np.round(mono), -32768, 32767).astype(np.int16)
    return array.array("h", clipped.tobytes())


class HttpSpeechEngine:
    name = "http"

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        voice: str,
        api_key: str = "",
        timeout: float = 60.0,
        sample_rate: int = 24_000,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.sample_rate = sample_rate
        self.model, self.voice = model, voice
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url, timeout=timeout, headers=headers, transport=transport
        )

    def synthesize(self, text: str, *, voice: str, words_per_minute: int) -> array.array[int]:
        """`voice` is espeak's; the service speaks with the voice it was configured with."""
        del voice
        if len(text) > MAX_INPUT_CHARACTERS:
            raise SpeechServiceError("a sentence is longer than the speech service accepts")
        speed = min(max(words_per_minute / DEFAULT_WORDS_PER_MINUTE, 0.25), 4.0)
        body = {
            "model": self.model,
            "input": text,
            "voice": self.voice,
            "response_format": "wav",
            "speed": round(speed, 2),
        }
        try:
            response = self._client.post("/audio/speech", json=body)
        except httpx.TimeoutException:
            raise SpeechServiceError("the speech service did not answer in time") from None
        except httpx.HTTPError as exc:
            raise SpeechServiceError(f"the speech service could not be reached: {exc}") from None
        if response.status_code != 200:
            raise SpeechServiceError(f"the speech service answered HTTP {response.status_code}")
        return decode_wav(response.content, self.sample_rate)

    def close(self) -> None:
        self._client.close()
