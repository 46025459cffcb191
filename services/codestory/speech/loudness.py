"""Loudness normalisation for speech, measured the way broadcasters and podcasts do.

pyloudnorm implements ITU-R BS.1770 (K-weighted, gated integrated loudness); spoken-word
platforms ask for about -16 LUFS. Synthetic speech has sharp peaks well above its average
level, so a look-ahead peak limiter holds them under -1.5 dBFS instead of lowering the whole
story (or clipping it).

Each chapter is levelled on its own, as soon as it is spoken, rather than the whole story
at once: a gain measured over the whole story is known only once the last chapter is
spoken, so nothing could be encoded before, and the whole story's samples (as floats)
were held at once. For one voice reading one kind of text, chapters levelled to the same
target sound alike to a listener (the same level, where a story-wide gain leaves each
chapter's own small difference in place), and a story of chapters each at the target is
at the target too: the gated blocks of all its chapters have the same mean energy.
scripts/bench_chapters.py measures both ways on real stories (docs/benchmarks.md).

pyloudnorm (and with it scipy) is imported when first used, in the pool process that
speaks: it is most of the audio worker's memory, and the supervising process never needs it.
"""

from __future__ import annotations

import array

import numpy as np

TARGET_LUFS = -16.0
# Spoken-word platforms ask for a true peak under -1 dBTP. MP3 encoding and the waveform
# between samples overshoot sample peaks a little (0.1-0.2 dB measured with hibari at
# 64 kbit/s, scripts/bench_chapters.py), so samples are held half a dB lower.
PEAK_CEILING = 10 ** (-1.5 / 20)  # -1.5 dBFS
MIN_MEASURABLE_SECONDS = 0.5  # BS.1770 gates in 400 ms blocks
LIMITER_WINDOW_SECONDS = 0.005  # long enough to avoid audible pumping, short for speech
CLOSE_ENOUGH_LU = 0.4  # under the ~1 LU a listener can tell apart
LIMITER_BLOCKS_AT_ONCE = 4096  # about 20 s of audio: the limiter's temporaries stay small
# Gain and limit, measured again after each: espeak-ng's sharp peaks under a -1.5 dBFS
# ceiling can need a third pass to land within CLOSE_ENOUGH_LU.
LEVELLING_PASSES = 3


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """LUFS of float samples in [-1, 1]; -inf for silence or audio too short to gate."""
    if len(samples) < sample_rate * MIN_MEASURABLE_SECONDS:
        return float("-inf")
    import pyloudnorm

    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def limit_peaks(signal: np.ndarray, sample_rate: int, ceiling: float = PEAK_CEILING) -> np.ndarray:
    """Turn down only the few milliseconds around each peak that would pass `ceiling`.

    Worked out on blocks of one limiter window rather than per sample (a story is millions
    of samples; per-sample sliding filters were most of the audio stage): each block's
    gain allows for its neighbours' peaks (look-ahead), is held down over the next
    neighbours and averaged, so the gain at and around every peak is already low enough
    when it arrives; from one block's start to the next it glides linearly. The gain is
    applied a slice of blocks at a time, so its temporaries stay small beside the signal.
    """
    window = max(int(sample_rate * LIMITER_WINDOW_SECONDS), 1)
    length = len(signal)
    if length == 0:
        return signal
    peaks = np.maximum.reduceat(np.abs(signal), np.arange(0, length, window))
    gain = np.minimum(1.0, ceiling / np.maximum(_neighbours(peaks, np.maximum), 1e-9))
    gain = _neighbours(gain, np.minimum)
    gain = _neighbours(gain, np.add) / 3
    # Linear from each block's start to the next's; a broadcast, not a search per sample.
    ends = np.append(gain[1:], gain[-1])
    ramp = np.arange(window) / window
    limited = np.empty_like(signal)
    for first in range(0, len(gain), LIMITER_BLOCKS_AT_ONCE):
        last = min(first + LIMITER_BLOCKS_AT_ONCE, len(gain))
        start, stop = first * window, min(last * window, length)
        per_sample = gain[first:last, None] + (ends - gain)[first:last, None] * ramp[None, :]
        np.multiply(signal[start:stop], per_sample.ravel()[: stop - start], out=limited[start:stop])
    np.clip(limited, -ceiling, ceiling, out=limited)
    return limited


def _neighbours(values: np.ndarray, pick: np.ufunc) -> np.ndarray:
    """Each value combined with the one before and after it (edges repeated)."""
    edged = np.pad(values, 1, mode="edge")
    result: np.ndarray = pick(pick(edged[:-2], edged[1:-1]), edged[2:])
    return result


def normalise(
    samples: array.array[int], sample_rate: int, target_lufs: float = TARGET_LUFS
) -> array.array[int]:
    """16-bit samples brought to `target_lufs`, their peaks held under the ceiling.

    Worked in place on one float copy (a chapter's, not a story's): beside it only the
    meter's and the limiter's temporaries.
    """
    signal = np.frombuffer(samples, dtype=np.int16).astype(np.float64)
    signal /= 32768.0
    # Limiting takes a little loudness back; another pass restores it.
    for attempt in range(LEVELLING_PASSES):
        measured = integrated_loudness(signal, sample_rate)
        if not np.isfinite(measured):
            return samples  # silence stays silence
        if attempt and abs(measured - target_lufs) <= CLOSE_ENOUGH_LU:
            break  # the limiter took back too little to hear: spare another pass
        signal *= 10 ** ((target_lufs - measured) / 20)
        signal = limit_peaks(signal, sample_rate)
    signal *= 32768.0
    np.round(signal, out=signal)
    np.clip(signal, -32768, 32767, out=signal)
    return array.array("h", signal.astype(np.int16).tobytes())
